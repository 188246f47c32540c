// Runs Lighthouse over many pages in one Node process, against one running Chromium.
// Used by bench/lighthouse.py:  node lighthouse-pages.mjs LIGHTHOUSE_INDEX_JS PORT URL...
// Prints one JSON line a page: its URL, the four category scores, and the audits that
// cost points (so a score below 100 says why).
import { pathToFileURL } from "node:url";

const [entry, port, ...urls] = process.argv.slice(2);
const { default: lighthouse } = await import(pathToFileURL(entry).href);
const categories = ["performance", "accessibility", "best-practices", "seo"];

for (const url of urls) {
  const result = await lighthouse(url, {
    port: Number(port),
    output: "json",
    logLevel: "error",
    onlyCategories: categories,
  });
  const lhr = result.lhr;
  const scores = Object.fromEntries(categories.map((c) => [c, lhr.categories[c].score]));
  const failing = [];
  for (const c of categories) {
    for (const ref of lhr.categories[c].auditRefs) {
      const audit = lhr.audits[ref.id];
      if (ref.weight > 0 && audit.score !== null && audit.score < 1) {
        failing.push(`${c}: ${ref.id} ${audit.displayValue ?? ""}`.trim());
      }
    }
  }
  console.log(JSON.stringify({ url, scores, failing }));
}
