"""Cross-site scripting payloads, written for this project's tests.

Each template carries ``{n}``, replaced by the payload's number, so a dialog that opens
(alert/confirm/prompt) names the payload that ran. They cover the ways reader text could
become code: script elements, event handlers, javascript:/data: URLs, SVG and MathML,
entity and encoding tricks, direction overrides, template-injection strings, and quote
and element breakouts for every context our templates put text in (element text, quoted
attributes, <textarea>, <title>, JSON-LD <script>, RSS/Atom XML). None contains NUL or
another control character other than newline and tab: such text is refused, not stored,
and the hostile-request tests cover it.
"""

from __future__ import annotations

import base64

TEMPLATES = [
    # Script elements
    "<script>alert({n})</script>",
    "<SCRIPT>alert({n})</SCRIPT>",
    "<script src=data:,alert({n})></script>",
    "<scr<script>ipt>alert({n})</scr</script>ipt>",
    '<script type="text/javascript">alert({n})</script>',
    "<script>window['al'+'ert']({n})</script>",
    "<script>confirm({n})</script>",
    "<script>prompt({n})</script>",
    "<script>setTimeout(()=>alert({n}))</script>",
    "<script\n>alert({n})</script\n>",
    "<script>/*</script><script>*/alert({n})</script>",
    "<script>alert`{n}`</script>",
    # Breaking out of the element a text sits in
    "</script><script>alert({n})</script>",
    "</textarea><script>alert({n})</script>",
    "</title><script>alert({n})</script>",
    "</noscript><script>alert({n})</script>",
    "</style><script>alert({n})</script>",
    "</template><script>alert({n})</script>",
    "</xmp><script>alert({n})</script>",
    "</option></select><script>alert({n})</script>",
    "--><script>alert({n})</script>",
    "</a><img src=x onerror=alert({n})>",
    "</p></div></article><img src=x onerror=alert({n})>",
    "</bdi><img src=x onerror=alert({n})>",
    # Event handlers
    "<img src=x onerror=alert({n})>",
    '<img src="x" onerror="alert({n})">',
    "<img/src/onerror=alert({n})>",
    "<IMG SRC=x OnErRoR=alert({n})>",
    "<img src onerror=alert({n})>",
    "<img src=x onerror=alert({n})//",
    "<img src=x onerror\n=alert({n})>",
    "<<img src=x onerror=alert({n})>>",
    "<svg onload=alert({n})>",
    "<svg/onload=alert({n})>",
    "<body onload=alert({n})>",
    "<body onpageshow=alert({n})>",
    "<iframe onload=alert({n})></iframe>",
    "<input autofocus onfocus=alert({n})>",
    "<select autofocus onfocus=alert({n})></select>",
    "<textarea autofocus onfocus=alert({n})></textarea>",
    "<details open ontoggle=alert({n})>",
    "<video><source onerror=alert({n})></video>",
    "<video src=x onerror=alert({n})></video>",
    "<audio src=x onerror=alert({n})></audio>",
    "<input type=image src=x onerror=alert({n})>",
    "<object data=x onerror=alert({n})></object>",
    "<link rel=stylesheet href=x onerror=alert({n})>",
    "<style onload=alert({n})></style>",
    "<marquee onstart=alert({n})>x</marquee>",
    "<img srcset=',,,x' onerror=alert({n})>",
    "<picture><source srcset=x><img src=x onerror=alert({n})></picture>",
    "<div onmouseover=alert({n})>hover</div>",
    "<a onclick=alert({n})>click</a>",
    "<img src=x onerror=setTimeout('alert({n})')>",
    "<img src=x onerror=Function('alert({n})')()>",
    "<img src=x onerror=[{n}].find(alert)>",
    "<img src=x onerror=top[/al/.source+/ert/.source]({n})>",
    "<img src=x onerror=window.onerror=alert;throw+{n}>",
    "<img src=x onerror=eval(atob('{b64}'))>",
    "<img src=x onerror=import('data:text/javascript,alert({n})')>",
    "<img src=x onerror=location='javascript:alert({n})'>",
    # javascript: and data: URLs
    "javascript:alert({n})",
    '<a href="javascript:alert({n})">x</a>',
    '<a href="jav&#x09;ascript:alert({n})">x</a>',
    '<a href=" javascript:alert({n})">x</a>',
    '<a href="javascript&colon;alert({n})">x</a>',
    '<a href="&#106;avascript:alert({n})">x</a>',
    '<iframe src="javascript:alert({n})"></iframe>',
    '<iframe src="jav&#x0A;ascript:alert({n})"></iframe>',
    '<iframe srcdoc="<script>parent.alert({n})</script>"></iframe>',
    "<iframe src=data:text/html,<script>alert({n})</script>></iframe>",
    '<embed src="javascript:alert({n})">',
    '<object data="javascript:alert({n})"></object>',
    '<form action="javascript:alert({n})"><input type=submit></form>',
    '<form><button formaction="javascript:alert({n})">x</button></form>',
    '<base href="javascript:alert({n})//">',
    '<table><td background="javascript:alert({n})">x</td></table>',
    'https://example.org/"onmouseover="alert({n})',
    "www.example.org/'onerror='alert({n})",
    "http://example.org/<script>alert({n})</script>",
    'https://example.org/?a="><img src=x onerror=alert({n})>',
    # SVG and MathML
    "<svg><script>alert({n})</script></svg>",
    '<svg><script href="data:,alert({n})"/></svg>',
    "<svg><animate onbegin=alert({n}) attributeName=x dur=1s>",
    "<svg><set onbegin=alert({n}) attributeName=x to=1>",
    '<svg><a xlink:href="javascript:alert({n})"><text x=20 y=20>x</text></a></svg>',
    "<svg><foreignObject><img src=x onerror=alert({n})></foreignObject></svg>",
    "<svg><image href=x onerror=alert({n})></svg>",
    "<svg><style><img src=x onerror=alert({n})></style></svg>",
    "<math><mtext><img src=x onerror=alert({n})></mtext></math>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert({n})>",
    '<noscript><p title="</noscript><img src=x onerror=alert({n})>">',
    # Entity and encoding tricks
    "&lt;script&gt;alert({n})&lt;/script&gt;",
    "&#60;script&#62;alert({n})&#60;/script&#62;",
    "&#x3C;img src=x onerror=alert({n})&#x3E;",
    "<img src=x onerror=alert&lpar;{n}&rpar;>",
    "<svg onload=alert&#40;{n}&#41;>",
    "\\u003cscript\\u003ealert({n})\\u003c/script\\u003e",
    "%3Cscript%3Ealert({n})%3C/script%3E",
    "%253Cscript%253Ealert({n})%253C/script%253E",
    "＜script＞alert({n})＜/script＞",
    "<scr\u200bipt>alert({n})</scr\u200bipt>",
    "<img src=x onerror=\u0061lert({n})>",
    # Direction overrides around markup
    "\u202e<img src=x onerror=alert({n})>",
    "\u2066<script>alert({n})</script>\u2069",
    "\u202egpj.exe<svg onload=alert({n})>",
    # Template-injection strings (must appear as typed, never evaluated)
    "{{{{7*7}}}}<img src=x onerror=alert({n})>",
    "{{% debug %}}<b>{n}</b>",
    "{{{{ settings.SECRET_KEY }}}}",
    "${{alert({n})}}",
    "{{{{constructor.constructor('alert({n})')()}}}}",
    "#{{alert({n})}}",
    "<%= alert({n}) %>",
    "[[${{alert({n})}}]]",
    # Quote and attribute breakouts
    '" onmouseover="alert({n})',
    "' onmouseover='alert({n})",
    '" autofocus onfocus="alert({n})',
    "' autofocus onfocus='alert({n})",
    '" onfocus=alert({n}) autofocus x="',
    '"><img src=x onerror=alert({n})>',
    "'><img src=x onerror=alert({n})>",
    "`><img src=x onerror=alert({n})>",
    '"/><script>alert({n})</script>',
    '" ><svg onload=alert({n})>',
    "'\"--></style></script><svg onload=alert({n})>",
    # XML breakouts for RSS and Atom
    "]]><img src=x onerror=alert({n})>",
    "</description><script>alert({n})</script>",
    "<![CDATA[<img src=x onerror=alert({n})>]]>",
    "</title></item><item><title><script>alert({n})</script>",
    # A polyglot
    "jaVasCript:/*-/*`/*'/*\"/**/(/* */oNcliCk=alert({n}) )//</stYle/</titLe/</teXtarEa/"
    "</scRipt/--!><sVg/<sVg/oNloAd=alert({n})//>",
]


def payloads() -> list[str]:
    """The payloads, numbered from 1 in the order above."""
    result = []
    for n, template in enumerate(TEMPLATES, start=1):
        b64 = base64.b64encode(f"alert({n})".encode()).decode()
        text = template.replace("{n}", str(n)).replace("{b64}", b64)
        # Doubled braces stand for literal ones (template-injection strings).
        result.append(text.replace("{{", "{").replace("}}", "}"))
    return result


PAYLOADS = payloads()
