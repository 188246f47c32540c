// Regenerate themes/default/data/land.txt: the land outline the places map draws.
//
// Source: Natural Earth's 1:110m land polygons (public domain), version 4.1.0, as the npm
// package world-atlas ships them (land-110m.json, TopoJSON). Simplified with
// topojson-simplify: Visvalingam's effective area on the plane, keeping the points whose
// triangle covers at least MIN_AREA (0.5) square degrees; islands smaller than MIN_RING (6) square
// degrees and everything south of 55° S are dropped. Projected equirectangularly as
// sitegen/charts.py projects the places (x = (lon + 180) * 2, y = (84 - lat) * 2), rounded
// to whole units (half a degree) and written as one SVG path with relative moves.
//
// Run from the repository: npm install && node tools/land-outline.mjs
import {readFileSync, writeFileSync} from "node:fs";
import {feature} from "topojson-client";
import {filter, filterWeight, planarRingArea, presimplify, simplify} from "topojson-simplify";

const MIN_AREA = 0.5;
const MIN_RING = 6;
const SCALE = 2, LAT_TOP = 84, LAT_BOTTOM = -60;

const world = JSON.parse(readFileSync("node_modules/world-atlas/land-110m.json", "utf8"));
const simple = filter(simplify(presimplify(world), MIN_AREA), filterWeight(world, MIN_RING, planarRingArea));
const land = feature(simple, simple.objects.land);
const polygons = [];
for (const {geometry} of land.features ?? [land]) {
  if (geometry?.type === "Polygon") polygons.push(geometry.coordinates);
  if (geometry?.type === "MultiPolygon") polygons.push(...geometry.coordinates);
}

// A ring that crosses the antimeridian jumps by 360°: unwrap it into one continuous ring
// and draw it twice, once on each side; the SVG's viewBox cuts off what lies outside.
function unwrap(ring) {
  const out = [];
  let shift = 0;
  for (let i = 0; i < ring.length; i++) {
    if (i > 0) {
      const jump = ring[i][0] - ring[i - 1][0];
      if (jump > 180) shift -= 360;
      if (jump < -180) shift += 360;
    }
    out.push([ring[i][0] + shift, ring[i][1]]);
  }
  return out;
}

function planarArea(points) {
  let area = 0;
  for (let i = 0; i < points.length; i++) {
    const [x0, y0] = points[i], [x1, y1] = points[(i + 1) % points.length];
    area += x0 * y1 - x1 * y0;
  }
  return Math.abs(area) / 2;
}

const rings = [];
for (const polygon of polygons) {
  for (const raw of polygon) {
    if (Math.max(...raw.map(([, lat]) => lat)) < -55) continue;
    const ring = unwrap(raw);
    const west = Math.min(...ring.map(([lon]) => lon)), east = Math.max(...ring.map(([lon]) => lon));
    const shifts = [0];
    if (east > 180) shifts.push(-360);
    if (west < -180) shifts.push(360);
    for (const shift of shifts) {
      const points = [];
      for (const [lon, lat] of ring) {
        const x = Math.round((lon + shift + 180) * SCALE);
        const y = Math.round((LAT_TOP - Math.min(Math.max(lat, LAT_BOTTOM), LAT_TOP)) * SCALE);
        const last = points[points.length - 1];
        if (!last || last[0] !== x || last[1] !== y) points.push([x, y]);
      }
      if (points.length >= 4 && planarArea(points) >= 4) rings.push(points);
    }
  }
}
// Sorted so that the same data gives the same bytes whatever order the library returns.
rings.sort((a, b) => a[0][0] - b[0][0] || a[0][1] - b[0][1] || a.length - b.length);
let d = "";
for (const ring of rings) {
  d += `M${ring[0][0]} ${ring[0][1]}`;
  for (let i = 1; i < ring.length; i++) {
    const dx = ring[i][0] - ring[i - 1][0], dy = ring[i][1] - ring[i - 1][1];
    d += `l${dx}${dy < 0 ? "" : " "}${dy}`;
  }
  d += "z";
}
writeFileSync("themes/default/data/land.txt", d + "\n");
console.log(`${rings.length} rings, ${d.length} bytes`);
