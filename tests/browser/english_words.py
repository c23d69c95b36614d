"""Finds English words of the interface in the text of a page.

The page's text is read in the browser (`COLLECT_TEXT`): every text node of the document,
hidden ones included (a hidden message is shown some day), the options of every list,
and the attributes people read or hear (title, placeholder, aria-label, alt, the value of
buttons), plus the document's title. User content is left out where the page marks it:
what is typed in a textarea or in the rich-text editor, and the icon ligatures of the
editor's toolbar (their title and aria-label are still read).

Then `english_words` keeps the Latin-script words, after removing what is not interface
text: URLs, e-mail addresses, paths, numbers, hashes, a time-zone name, the
Latin words of the test's own content (slugs, usernames, user agents: the caller passes
them), and the few acronyms and names that stay Latin in Greek text.
"""

import re

# Written in Latin script in Greek text too: acronyms and file formats, units,
# "English", the English edition's name for itself (language menus name each language in
# its own tongue, as the site's language switch and the article's language field do), the
# label printed on a Greek keyboard's key (the moderation queue's list of keys), and brands.
ALLOWED = {
    "RSS", "URL", "HTML", "CSV", "SEO", "JSON", "IP", "IPv4", "IPv6", "JPEG", "PNG", "WebP",
    "GIF", "SVG", "ELOT", "UTC", "GPS", "SSO", "LDAP",
    "KB", "MB", "GB", "pixel", "pixels", "megapixel", "megapixels",
    "English",
    "Esc",
    # The embed providers a live entry's help names: brands keep their Latin names.
    "YouTube", "Vimeo", "Facebook", "Instagram", "TikTok", "SoundCloud",
}  # fmt: skip

# Not words: web addresses, e-mail addresses, a host with its port (the live server's, in
# the share card the article form previews), absolute paths, the IANA time-zone name
# the article form shows beside "Athens time".
NOT_WORDS = re.compile(
    r"""https?://\S+
      | [\w.+-]+@[\w-]+(?:\.[\w-]+)+
      | \b[a-z][a-z0-9.-]*:[0-9]{2,5}\b
      | (?<![\w/])/[A-Za-z0-9_.~%/-]+
      | \bEurope/Athens\b
      | (?<![A-Za-z])[0-9a-f]{12,}(?![A-Za-z])   # hashes, shown whole or cut short
    """,
    re.VERBOSE,
)
# A run of Latin letters that no other letter touches: a Latin letter inside a Greek word
# («βλaκaς», the blocked-words help showing a look-alike) is not an English word.
LATIN_WORD = re.compile(r"(?<![^\W\d_])[A-Za-z]+(?:['’-][A-Za-z]+)*(?![^\W\d_])")

COLLECT_TEXT = """() => {
  const skipped = new Set(["SCRIPT", "STYLE", "NOSCRIPT", "TEMPLATE", "TEXTAREA"]);
  const read = ["title", "placeholder", "aria-label", "alt", "aria-description"];
  const found = [];
  const where = (element) => {
    let name = element.tagName.toLowerCase();
    if (element.id) name += "#" + element.id;
    const classes = typeof element.className === "string" ? element.className.trim() : "";
    if (classes) name += "." + classes.split(/\\s+/).join(".");
    return name;
  };
  const visit = (element) => {
    if (skipped.has(element.tagName) || element.isContentEditable) return;
    for (const attribute of read) {
      const value = element.getAttribute(attribute);
      if (value) found.push([value, where(element) + "@" + attribute]);
    }
    if (element.tagName === "INPUT" && ["submit", "button", "reset"].includes(element.type)) {
      found.push([element.value, where(element) + "@value"]);
    }
    if (element.classList.contains("material-icons")) return;  // icon ligatures
    for (const child of element.childNodes) {
      if (child.nodeType === Node.TEXT_NODE && child.nodeValue.trim()) {
        found.push([child.nodeValue.trim(), where(element)]);
      } else if (child.nodeType === Node.ELEMENT_NODE) {
        visit(child);
      }
    }
  };
  found.push([document.title, "title"]);
  visit(document.body);
  return found;
}"""


def latin_words(text: str) -> list[str]:
    return LATIN_WORD.findall(NOT_WORDS.sub(" ", text))


def english_words(texts, content_words: set[str]) -> list[tuple[str, str, str]]:
    """(word, where, text) for each Latin word of the interface among (text, where) pairs.

    content_words: the Latin words of the page's user content, in lower case.
    """
    allowed = {word.lower() for word in ALLOWED}
    found = []
    for text, where in texts:
        for word in latin_words(text):
            if len(word) == 1:
                continue  # a letter named in a text ("with a Latin a"), a list marker
            if word.lower() in allowed or word.lower() in content_words:
                continue
            found.append((word, where, text[:160]))
    return found
