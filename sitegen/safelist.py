"""What the audit knows to be safe: elements, attributes and CSS, each by name.

The audit fails closed: a name missing here is an error, never passed through because no
rule matched. Each URL-bearing attribute says whether a browser fetches its URL by itself
(FETCH, SRCSET) or only when the reader follows it (LINK).
"""

from __future__ import annotations

FETCH = "fetch"
SRCSET = "srcset"
LINK = "link"
PLAIN = ""


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_GLOBAL = (
    "accesskey autocapitalize autocorrect autofocus class contenteditable dir draggable "
    "enterkeyhint exportparts hidden id inert inputmode is itemid itemprop itemref itemscope "
    "itemtype lang nonce part popover role slot spellcheck style tabindex title translate "
    "writingsuggestions xml:lang xmlns"
)
GLOBAL_ATTRIBUTES = _words(_GLOBAL)

# Element: its own attributes, a URL attribute as name=kind. Elements missing here are errors.
_HTML = {
    "html": "manifest=fetch version",
    "head": "",
    "title": "",
    "body": "background=fetch bgcolor text link vlink alink",
    "base": "href=fetch target",
    "link": "href rel type media sizes hreflang as crossorigin integrity referrerpolicy "
    "imagesrcset=srcset imagesizes blocking color fetchpriority disabled charset",
    "meta": "name content http-equiv charset property media scheme",
    "style": "media type blocking",
    "script": "type src=fetch async defer crossorigin integrity nomodule referrerpolicy charset "
    "language blocking fetchpriority",
    "noscript": "",
    "template": "shadowrootmode shadowrootdelegatesfocus shadowrootclonable shadowrootserializable",
    "article": "",
    "section": "",
    "nav": "",
    "aside": "",
    "header": "",
    "footer": "",
    "main": "",
    "search": "",
    "address": "",
    "hgroup": "",
    **{f"h{n}": "align" for n in range(1, 7)},
    "p": "align",
    "hr": "align size noshade width color",
    "pre": "width",
    "blockquote": "cite=link",
    "ol": "start reversed type compact",
    "ul": "type compact",
    "menu": "",
    "li": "value type",
    "dl": "compact",
    "dt": "",
    "dd": "",
    "figure": "",
    "figcaption": "",
    "div": "align",
    "center": "",
    "a": "href=link target download rel hreflang type referrerpolicy ping=fetch name charset "
    "coords shape rev",
    "em": "",
    "strong": "",
    "small": "",
    "big": "",
    "s": "",
    "strike": "",
    "cite": "",
    "q": "cite=link",
    "dfn": "",
    "abbr": "",
    "ruby": "",
    "rt": "",
    "rp": "",
    "data": "value",
    "time": "datetime",
    "code": "",
    "var": "",
    "samp": "",
    "kbd": "",
    "tt": "",
    "sub": "",
    "sup": "",
    "i": "",
    "b": "",
    "u": "",
    "mark": "",
    "bdi": "",
    "bdo": "",
    "span": "",
    "br": "clear",
    "wbr": "",
    "nobr": "",
    "font": "color face size",
    "ins": "cite=link datetime",
    "del": "cite=link datetime",
    "picture": "",
    "source": "src=fetch srcset=srcset sizes media type width height",
    "img": "src=fetch srcset=srcset sizes alt width height loading decoding fetchpriority "
    "crossorigin referrerpolicy usemap ismap align border hspace vspace longdesc=link",
    "iframe": "src=fetch srcdoc name sandbox allow allowfullscreen width height loading "
    "referrerpolicy frameborder scrolling marginwidth marginheight align",
    "embed": "src=fetch type width height",
    "object": "data=fetch type name form width height usemap typemustmatch border",
    "video": "src=fetch poster=fetch preload autoplay controls loop muted playsinline width "
    "height crossorigin controlslist disablepictureinpicture disableremoteplayback",
    "audio": "src=fetch preload autoplay controls loop muted crossorigin controlslist "
    "disableremoteplayback",
    "track": "src=fetch kind srclang label default",
    "map": "name",
    "area": "alt coords shape href=link target download ping=fetch rel referrerpolicy nohref",
    "canvas": "width height",
    "table": "border cellpadding cellspacing summary width align bgcolor frame rules "
    "background=fetch",
    "caption": "align",
    "colgroup": "span width align valign",
    "col": "span width align valign",
    "tbody": "align valign",
    "thead": "align valign",
    "tfoot": "align valign",
    "tr": "align valign bgcolor",
    "td": "colspan rowspan headers scope abbr align valign width height nowrap bgcolor "
    "background=fetch",
    "th": "colspan rowspan headers scope abbr align valign width height nowrap bgcolor "
    "background=fetch",
    "form": "action=fetch method enctype target name autocomplete novalidate accept-charset rel",
    "label": "for form",
    "input": "type name value placeholder required disabled readonly checked min max step "
    "pattern size maxlength minlength multiple accept autocomplete list form formaction=fetch "
    "formmethod formenctype formtarget formnovalidate src=fetch alt width height dirname "
    "capture popovertarget popovertargetaction",
    "button": "type name value disabled form formaction=fetch formmethod formenctype formtarget "
    "formnovalidate popovertarget popovertargetaction command commandfor",
    "select": "name multiple size required disabled form autocomplete",
    "datalist": "",
    "optgroup": "label disabled",
    "option": "value selected disabled label",
    "textarea": "name rows cols placeholder required disabled readonly maxlength minlength wrap "
    "form autocomplete dirname",
    "output": "for form name",
    "progress": "value max",
    "meter": "value min max low high optimum",
    "fieldset": "disabled form name",
    "legend": "align",
    "details": "open name",
    "summary": "",
    "dialog": "open",
    "slot": "name",
}

# SVG, by lower-case name (the HTML parser lowers them): href on anything but <a> is fetched.
_SVG_ELEMENTS = (
    "svg g defs symbol use image path rect circle ellipse line polyline polygon text tspan "
    "textpath title desc lineargradient radialgradient stop pattern clippath mask marker filter "
    "feblend fecolormatrix fecomponenttransfer fecomposite feconvolvematrix fediffuselighting "
    "fedisplacementmap fedistantlight fedropshadow feflood fefunca fefuncb fefuncg fefuncr "
    "fegaussianblur feimage femerge femergenode femorphology feoffset fepointlight "
    "fespecularlighting fespotlight fetile feturbulence a style switch view foreignobject "
    "animate animatetransform animatemotion set mpath script"
)
SVG_ELEMENTS = _words(_SVG_ELEMENTS)
_SVG_ATTRIBUTES = (
    "href xlink:href xmlns:xlink xmlns:svg version baseprofile viewbox preserveaspectratio x y "
    "width height x1 y1 x2 y2 cx cy r rx ry fx fy fr d points pathlength transform "
    "gradientunits gradienttransform spreadmethod offset stop-color stop-opacity patternunits "
    "patterncontentunits patterntransform clippathunits maskunits maskcontentunits "
    "markerunits markerwidth markerheight refx refy orient filterunits primitiveunits in in2 "
    "result mode type values tablevalues slope intercept amplitude exponent operator k1 k2 k3 "
    "k4 order kernelmatrix divisor bias targetx targety edgemode kernelunitlength "
    "preservealpha surfacescale diffuseconstant specularconstant specularexponent scale "
    "xchannelselector ychannelselector azimuth elevation z pointsatx pointsaty pointsatz "
    "limitingconeangle stddeviation dx dy flood-color flood-opacity radius basefrequency "
    "numoctaves seed stitchtiles lighting-color fill fill-opacity fill-rule stroke "
    "stroke-width stroke-opacity stroke-linecap stroke-linejoin stroke-miterlimit "
    "stroke-dasharray stroke-dashoffset opacity color clip-path clip-rule mask filter "
    "marker-start marker-mid marker-end display visibility overflow font-family font-size "
    "font-weight font-style font-variant text-anchor dominant-baseline alignment-baseline "
    "baseline-shift letter-spacing word-spacing text-decoration writing-mode direction "
    "unicode-bidi lengthadjust textlength rotate startoffset method spacing side "
    "vector-effect paint-order shape-rendering text-rendering image-rendering "
    "color-interpolation color-interpolation-filters mix-blend-mode isolation "
    "requiredextensions systemlanguage media target attributename attributetype from to by "
    "begin dur end repeatcount repeatdur fill restart calcmode keytimes keysplines keypoints "
    "additive accumulate path pointer-events cursor focusable aria-hidden xml:space "
    "transform-origin font-stretch font-size-adjust clip enable-background kerning white-space"
)
SVG_ATTRIBUTES = _words(_SVG_ATTRIBUTES)

_MATHML_ELEMENTS = (
    "math mi mo mn ms mtext mrow msup msub msubsup mfrac msqrt mroot mstyle mspace mpadded "
    "mphantom menclose mtable mtr mtd munder mover munderover mmultiscripts mprescripts none "
    "semantics annotation annotation-xml merror"
)
MATHML_ELEMENTS = _words(_MATHML_ELEMENTS)
MATHML_ATTRIBUTES = _words(
    "display mathvariant mathsize mathcolor mathbackground displaystyle scriptlevel fence "
    "form largeop lspace rspace movablelimits separator stretchy symmetric maxsize minsize "
    "accent accentunder linethickness columnalign rowalign columnspan rowspan width height "
    "depth voffset notation encoding"
)


def _attributes(spec: str) -> dict[str, str]:
    pairs = (item.partition("=") for item in spec.split())
    return {name: kind for name, _, kind in pairs}


HTML_ELEMENTS: dict[str, dict[str, str]] = {tag: _attributes(s) for tag, s in _HTML.items()}
"""Each HTML element the audit knows, with its own attributes and their URL kind."""

# <link rel> values that neither fetch nor connect; any other value makes href a request.
QUIET_RELS = _words(
    "alternate author bookmark canonical external help license me next nofollow noopener "
    "noreferrer opener prev privacy-policy tag terms-of-service webmention pingback "
    "shortlink edit-uri"
)
# <meta http-equiv> values known to load nothing (refresh is read for its URL).
QUIET_EQUIVS = _words(
    "content-security-policy content-type default-style x-ua-compatible content-language "
    "set-cookie refresh"
)
# <script type> values that are data, never run (JSON-LD).
DATA_SCRIPTS = frozenset({"application/ld+json", "application/json"})

# CSS ----------------------------------------------------------------------------------------

# At-rules; @import and @font-face are read for their URLs.
CSS_AT_RULES = _words(
    "media supports font-face keyframes -webkit-keyframes layer container page charset "
    "namespace import property counter-style font-feature-values font-palette-values scope "
    "starting-style view-transition position-try"
)
# Functions that take no URL; url(), src(), image-set() are read, anything else is an error.
CSS_FUNCTIONS = _words(
    "calc min max clamp var env rgb rgba hsl hsla hwb lab lch oklab oklch color color-mix "
    "light-dark linear-gradient radial-gradient conic-gradient repeating-linear-gradient "
    "repeating-radial-gradient repeating-conic-gradient -webkit-linear-gradient "
    "translate translatex translatey translatez translate3d rotate rotatex rotatey rotatez "
    "rotate3d scale scalex scaley scalez scale3d skew skewx skewy matrix matrix3d "
    "perspective cubic-bezier steps linear repeat minmax fit-content counter counters "
    "rect inset circle ellipse polygon path xywh blur brightness contrast drop-shadow "
    "grayscale hue-rotate invert opacity saturate sepia format tech local round mod rem "
    "abs sign sin cos tan asin acos atan atan2 pow sqrt hypot log exp symbols "
    "anchor anchor-size"
)
CSS_URL_FUNCTIONS = frozenset({"url", "src"})
CSS_IMAGE_SETS = frozenset({"image-set", "-webkit-image-set"})

_CSS_PROPERTIES = """
accent-color align-content align-items align-self all animation animation-composition
animation-delay animation-direction animation-duration animation-fill-mode
animation-iteration-count animation-name animation-play-state animation-timing-function
appearance aspect-ratio backdrop-filter backface-visibility background background-attachment
background-blend-mode background-clip background-color background-image background-origin
background-position background-position-x background-position-y background-repeat
background-size block-size border border-block border-block-color border-block-end
border-block-end-color border-block-end-style border-block-end-width border-block-start
border-block-start-color border-block-start-style border-block-start-width border-block-style
border-block-width border-bottom border-bottom-color border-bottom-left-radius
border-bottom-right-radius border-bottom-style border-bottom-width border-collapse border-color
border-end-end-radius border-end-start-radius border-image border-image-outset
border-image-repeat border-image-slice border-image-source border-image-width border-inline
border-inline-color border-inline-end border-inline-end-color border-inline-end-style
border-inline-end-width border-inline-start border-inline-start-color border-inline-start-style
border-inline-start-width border-inline-style border-inline-width border-left border-left-color
border-left-style border-left-width border-radius border-right border-right-color
border-right-style border-right-width border-spacing border-start-end-radius
border-start-start-radius border-style border-top border-top-color border-top-left-radius
border-top-right-radius border-top-style border-top-width border-width bottom
box-decoration-break box-shadow box-sizing break-after break-before break-inside caption-side
caret-color clear clip clip-path clip-rule color color-interpolation color-scheme column-count
column-fill column-gap column-rule column-rule-color column-rule-style column-rule-width
column-span column-width columns contain contain-intrinsic-size contain-intrinsic-width
contain-intrinsic-height container container-name container-type content content-visibility
counter-increment counter-reset counter-set cursor cx cy d direction display dominant-baseline
empty-cells fill fill-opacity fill-rule filter flex flex-basis flex-direction flex-flow
flex-grow flex-shrink flex-wrap float flood-color flood-opacity font font-display font-family
font-feature-settings font-kerning font-language-override font-optical-sizing
font-palette font-size font-size-adjust font-stretch font-style font-synthesis font-variant
font-variant-alternates font-variant-caps font-variant-east-asian font-variant-ligatures
font-variant-numeric font-variant-position font-variation-settings font-weight
forced-color-adjust gap grid grid-area grid-auto-columns grid-auto-flow grid-auto-rows
grid-column grid-column-end grid-column-start grid-row grid-row-end grid-row-start
grid-template grid-template-areas grid-template-columns grid-template-rows hanging-punctuation
height hyphenate-character hyphens image-orientation image-rendering inherits initial-value
inline-size inset inset-block inset-block-end inset-block-start inset-inline inset-inline-end
inset-inline-start isolation justify-content justify-items justify-self left letter-spacing
lighting-color line-break line-clamp line-height list-style list-style-image
list-style-position list-style-type margin margin-block margin-block-end margin-block-start
margin-bottom margin-inline margin-inline-end margin-inline-start margin-left margin-right
margin-top marker marker-end marker-mid marker-start mask mask-clip mask-composite mask-image
mask-mode mask-origin mask-position mask-repeat mask-size mask-type math-depth math-style
max-block-size max-height max-inline-size max-width min-block-size min-height min-inline-size
min-width mix-blend-mode object-fit object-position offset offset-anchor offset-distance
offset-path offset-position offset-rotate opacity order orphans outline outline-color
outline-offset outline-style outline-width overflow overflow-anchor overflow-block
overflow-clip-margin overflow-inline overflow-wrap overflow-x overflow-y overscroll-behavior
overscroll-behavior-block overscroll-behavior-inline overscroll-behavior-x
overscroll-behavior-y padding padding-block padding-block-end padding-block-start
padding-bottom padding-inline padding-inline-end padding-inline-start padding-left
padding-right padding-top page page-break-after page-break-before page-break-inside
paint-order perspective perspective-origin place-content place-items place-self
pointer-events position print-color-adjust quotes r resize right rotate row-gap ruby-align
ruby-position rx ry scale scroll-behavior scroll-margin scroll-margin-block
scroll-margin-block-end scroll-margin-block-start scroll-margin-bottom scroll-margin-inline
scroll-margin-inline-end scroll-margin-inline-start scroll-margin-left scroll-margin-right
scroll-margin-top scroll-padding scroll-padding-block scroll-padding-block-end
scroll-padding-block-start scroll-padding-bottom scroll-padding-inline
scroll-padding-inline-end scroll-padding-inline-start scroll-padding-left scroll-padding-right
scroll-padding-top scroll-snap-align scroll-snap-stop scroll-snap-type scrollbar-color
scrollbar-gutter scrollbar-width shape-image-threshold shape-margin shape-outside
shape-rendering size src stop-color stop-opacity stroke stroke-dasharray stroke-dashoffset
stroke-linecap stroke-linejoin stroke-miterlimit stroke-opacity stroke-width syntax tab-size
table-layout text-align text-align-last text-anchor text-combine-upright text-decoration
text-decoration-color text-decoration-line text-decoration-skip-ink text-decoration-style
text-decoration-thickness text-emphasis text-emphasis-color text-emphasis-position
text-emphasis-style text-indent text-justify text-orientation text-overflow text-rendering
text-shadow text-size-adjust text-transform text-underline-offset text-underline-position
text-wrap text-wrap-mode text-wrap-style top touch-action transform transform-box
transform-origin transform-style transition transition-behavior transition-delay
transition-duration transition-property transition-timing-function translate unicode-bidi
unicode-range user-select vector-effect vertical-align view-transition-name visibility
white-space white-space-collapse widows width will-change word-break word-spacing word-wrap
writing-mode x y z-index zoom ascent-override descent-override line-gap-override
size-adjust font-named-instance system negative prefix suffix range pad speak-as
additive-symbols fallback symbols
"""
CSS_PROPERTIES = _words(_CSS_PROPERTIES)
"""Known properties (and descriptors); vendor-prefixed forms of these are known too."""


def known_property(name: str) -> bool:
    """Is a CSS property or descriptor one the audit knows (custom properties are)?"""
    if name.startswith("--"):
        return True
    for prefix in ("-webkit-", "-moz-"):
        name = name.removeprefix(prefix)
    return name in CSS_PROPERTIES
