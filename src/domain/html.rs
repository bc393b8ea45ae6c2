//! The little HTML handling freshmock needs: text out of article bodies for the index,
//! article bodies sanitised the way a help-centre editor saves them, and Freshdesk's
//! plain-text-to-HTML for ticket descriptions.

use std::collections::HashSet;
use std::sync::LazyLock;

/// Text content of an HTML fragment: tags dropped (block tags become spaces), the common
/// entities decoded, script and style content skipped.
///
/// It runs on every article translation when the search index is built, so it makes no
/// allocation per tag or per text run, and it reads the input once from start to end:
/// every search starts where the last one stopped (an earlier version lower-cased the rest
/// of the body at each `<script>`, so 160,000 `<script></script>` pairs took 20 s).
pub fn to_text(html: &str) -> String {
    extract(html).0
}

/// [`to_text`], and how many bytes its searches read: at most a few times the input's
/// length, whatever the input (the tests hold it to that).
pub(crate) fn extract(html: &str) -> (String, usize) {
    let mut scan = Scan {
        html,
        out: String::with_capacity(html.len()),
        read: 0,
    };
    let mut pos = 0;
    while let Some(start) = scan.find_byte(pos, b'<') {
        scan.push_decoded(pos, start);
        let end = scan.find_byte(start, b'>').map_or(html.len(), |e| e + 1);
        // The tag's text between `<` and `>` (without the last byte when there is no `>`,
        // as the first version read it).
        let tag = html
            .get(start + 1..end.saturating_sub(1).max(start + 1))
            .unwrap_or_default()
            .trim_start_matches('/');
        let name_len = tag.bytes().take_while(u8::is_ascii_alphanumeric).count();
        let name = &tag[..name_len];
        pos = end;
        let skipped = ["script", "style"]
            .into_iter()
            .find(|s| name.eq_ignore_ascii_case(s));
        if let (Some(skipped), false) = (skipped, html[start..].starts_with("</")) {
            pos = scan.find_close(end, skipped).unwrap_or(html.len());
            continue;
        }
        scan.out.push(' ');
    }
    scan.push_decoded(pos, html.len());
    (collapse_whitespace(&scan.out), scan.read)
}

/// `text`'s runs of whitespace (as `char::is_whitespace` has it) as one space, with none at
/// either end: what joining its `split_whitespace` words with spaces gives, with each byte
/// looked at once and only the few that can start a non-ASCII space decoded (the index's
/// text of every article goes through here, and decoding every character was half of the
/// extraction).
fn collapse_whitespace(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let end = text.len();
    let mut i = 0;
    loop {
        while let Some(len) = (i < end).then(|| space_at(text, i)).flatten() {
            i += len;
        }
        if i == end {
            return out;
        }
        let start = i;
        // Byte by byte: a space only starts on a character's first byte.
        while i < end && space_at(text, i).is_none() {
            i += 1;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&text[start..i]);
    }
}

/// The length of the whitespace character at byte `i` of `text`, if one starts there.
/// Every non-ASCII one (U+0085, U+00A0, U+1680, U+2000 to U+200A, U+2028, U+2029, U+202F,
/// U+205F, U+3000) starts with one of four bytes; nothing else is decoded.
#[inline]
fn space_at(text: &str, i: usize) -> Option<usize> {
    match text.as_bytes()[i] {
        b'\t'..=b'\r' | b' ' => Some(1),
        0xC2 | 0xE1 | 0xE2 | 0xE3 => {
            let c = text.get(i..)?.chars().next()?;
            c.is_whitespace().then(|| c.len_utf8())
        }
        _ => None,
    }
}

/// The text being extracted, and how many bytes of the input the searches have read.
struct Scan<'a> {
    html: &'a str,
    out: String,
    read: usize,
}

impl Scan<'_> {
    /// The position of the first `byte` at or after `from`.
    fn find_byte(&mut self, from: usize, byte: u8) -> Option<usize> {
        let found = memchr::memchr(byte, &self.html.as_bytes()[from..]).map(|i| from + i);
        self.read += found.map_or(self.html.len(), |i| i + 1) - from;
        found
    }

    /// The position of the first `</name` (any case) at or after `from`.
    fn find_close(&mut self, from: usize, name: &str) -> Option<usize> {
        let bytes = self.html.as_bytes();
        let mut at = from;
        while let Some(i) = self.find_byte(at, b'<') {
            let rest = &bytes[i + 1..];
            if rest.first() == Some(&b'/')
                && rest
                    .get(1..=name.len())
                    .is_some_and(|n| n.eq_ignore_ascii_case(name.as_bytes()))
            {
                self.read += name.len() + 1;
                return Some(i);
            }
            at = i + 1;
        }
        None
    }

    /// Appends `html[from..to]` with its entities decoded.
    fn push_decoded(&mut self, from: usize, to: usize) {
        let mut rest = &self.html[from..to];
        while let Some(i) = rest.find('&') {
            self.read += i + 1;
            self.out.push_str(&rest[..i]);
            let candidate = &rest[i..];
            // An entity is at most ten bytes to its `;`: look no further than that.
            let window = &candidate.as_bytes()[..candidate.len().min(11)];
            self.read += window.len();
            let end = window.iter().position(|b| *b == b';');
            let decoded = end.and_then(|e| {
                let ch = entity(&candidate[1..e])?;
                Some((ch, e + 1))
            });
            match decoded {
                Some((ch, len)) => {
                    self.out.push(ch);
                    rest = &candidate[len..];
                }
                None => {
                    self.out.push('&');
                    rest = &candidate[1..];
                }
            }
        }
        self.read += rest.len();
        self.out.push_str(rest);
    }
}

/// The character an entity's name (between `&` and `;`) stands for: the common named
/// ones, and any decimal or hexadecimal one.
fn entity(name: &str) -> Option<char> {
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" | "#39" => Some('\''),
        "nbsp" => Some(' '),
        _ => name
            .strip_prefix("#x")
            .or_else(|| name.strip_prefix("#X"))
            .and_then(|h| u32::from_str_radix(h, 16).ok())
            .or_else(|| name.strip_prefix('#').and_then(|d| d.parse().ok()))
            .and_then(char::from_u32),
    }
}

/// An article body as a help-centre editor saves it: formatting, headings, lists, links,
/// images, tables, quotes and code kept; scripts, styles, frames, forms, event handlers,
/// `id`s and `class`es (which could stand in for the widget's own elements), and URLs other
/// than `http`, `https`, `mailto`, `tel` or relative ones removed. Freshdesk sanitises
/// article HTML when it is saved, so the widget API never serves markup that runs.
///
/// Done by `ammonia` (html5ever's parser, the browsers' algorithm), not by hand: a sanitiser
/// that parses differently from the browser is how sanitisers are bypassed.
///
/// `None` when the sanitised body is `html` as written (bare markup, see
/// [`is_bare_markup`]): a set's bodies mostly are, and copying each to compare it with
/// itself cost a twentieth of a 100,000-article start.
pub(crate) fn sanitised(html: &str) -> Option<String> {
    (!is_bare_markup(html)).then(|| parse_and_sanitise(html))
}

/// [`sanitised`], the body kept as written included.
#[cfg(test)]
pub fn sanitise(html: &str) -> String {
    sanitised(html).unwrap_or_else(|| html.to_owned())
}

/// [`sanitised`] without the shortcut for bare markup: ammonia's parse and clean.
pub(crate) fn parse_and_sanitise(html: &str) -> String {
    SANITISER.clean(html).to_string()
}

/// Tags that hold nothing that runs or loads, whatever their nesting: `p`, `br`, `hr`,
/// `div`, `span`, `ul`, `ol`, `li`, `strong`, `em`, `b`, `i`, `u`, `s`, `h1` to `h6`,
/// `blockquote`, `pre`, `code`, `sub`, `sup`, `table`, `thead`, `tbody`, `tr`, `td`, `th`.
/// A `match` rather than a list searched in turn: it runs on every tag of every article
/// when a set loads (a tenth of a 100,000-article start went to comparing names).
fn is_bare_tag(name: &[u8]) -> bool {
    matches!(
        name,
        b"p" | b"br"
            | b"hr"
            | b"div"
            | b"span"
            | b"ul"
            | b"ol"
            | b"li"
            | b"strong"
            | b"em"
            | b"b"
            | b"i"
            | b"u"
            | b"s"
            | b"h1"
            | b"h2"
            | b"h3"
            | b"h4"
            | b"h5"
            | b"h6"
            | b"blockquote"
            | b"pre"
            | b"code"
            | b"sub"
            | b"sup"
            | b"table"
            | b"thead"
            | b"tbody"
            | b"tr"
            | b"td"
            | b"th"
    )
}

/// The longest bare tag's name (`blockquote`).
const LONGEST_BARE_TAG: usize = 10;

/// Whether every `<` of `html` opens or closes a bare tag ([`is_bare_tag`]) written bare
/// (`<p>`, `</li>`, `<br>`: no attribute, no comment). Such a body is kept as written: nothing in it
/// can run or load, and parsing it again would only re-nest it. Article bodies are mostly
/// like this (the generated sets all are), and parsing every one made a debug server on
/// 20,000 generated articles (54,580 translations) first answer after 39 s instead of 11 s.
///
/// Each `<` found with `memchr` and its `>` looked for no further than the longest bare
/// name: a search for `<` and then `>` per tag with `str::find` (whose set-up costs more
/// than the short gaps between tags) was 0.73 M of a bundled start's 4.15 M instructions.
pub(crate) fn is_bare_markup(html: &str) -> bool {
    let bytes = html.as_bytes();
    let mut at = 0;
    while let Some(open) = memchr::memchr(b'<', &bytes[at..]) {
        let mut name_at = at + open + 1;
        if bytes.get(name_at) == Some(&b'/') {
            name_at += 1;
        }
        let window = &bytes[name_at..bytes.len().min(name_at + LONGEST_BARE_TAG + 1)];
        let Some(len) = window.iter().position(|b| *b == b'>') else {
            // No `>` at all, or a name longer than any bare tag's.
            return false;
        };
        if !is_bare_tag(&window[..len]) {
            return false;
        }
        at = name_at + len + 1;
    }
    true
}

/// The editor's rules (see [`sanitise`]), built once.
static SANITISER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut builder = ammonia::Builder::default();
    builder
        .add_tags(["tfoot", "u", "section", "main"])
        .add_generic_attributes(["style", "dir"])
        // Inline styles as the editor writes them; nothing that can move an element out
        // of the article (no `position`) or load anything (no `background-image`).
        .filter_style_properties(HashSet::from([
            "color",
            "background-color",
            "font-weight",
            "font-style",
            "font-size",
            "font-family",
            "text-align",
            "text-decoration",
            "vertical-align",
            "width",
            "height",
            "margin-left",
            "padding-left",
            "border",
            "border-collapse",
        ]))
        .add_tag_attributes("a", ["title", "rel"])
        .add_tag_attributes("img", ["title"])
        .add_tag_attribute_values("a", "target", ["_blank"])
        .url_schemes(HashSet::from(["http", "https", "mailto", "tel"]))
        // No `rel` added: browsers open `target="_blank"` links without an opener anyway,
        // and an editor's ordinary links come back as they went in.
        .link_rel(None);
    builder
});

/// Escapes text for HTML.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Freshdesk's ticket description from plain text: `"a\nb"` → `<div>a<br>b</div>`.
pub fn text_to_html(text: &str) -> String {
    let body = escape(text).replace("\r\n", "\n").replace('\n', "<br>");
    format!("<div>{body}</div>")
}
#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Whether [`reference_to_text`] can read `html`: it panics on an unclosed tag cut
    /// inside a multi-byte character.
    pub(crate) fn reference_applies(html: &str) -> bool {
        html.is_ascii() || html.rfind('<').is_none_or(|i| html[i..].contains('>'))
    }

    /// The first, simpler implementation of [`to_text`], kept to check the quick one.
    /// Text content of an HTML fragment: tags dropped (block tags become spaces), the common
    /// entities decoded, script and style content skipped.
    pub(crate) fn reference_to_text(html: &str) -> String {
        let mut out = String::with_capacity(html.len());
        let mut rest = html;
        while let Some(start) = rest.find('<') {
            out.push_str(&reference_decode(&rest[..start]));
            let after = &rest[start..];
            let end = after.find('>').map_or(after.len(), |e| e + 1);
            let tag = after[1..end.saturating_sub(1).max(1)]
                .trim_start_matches('/')
                .to_ascii_lowercase();
            let name: String = tag
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect();
            rest = &after[end..];
            if (name == "script" || name == "style") && !after.starts_with("</") {
                let close = format!("</{name}");
                let lower = rest.to_ascii_lowercase();
                rest = match lower.find(&close) {
                    Some(i) => &rest[i..],
                    None => "",
                };
                continue;
            }
            out.push(' ');
        }
        out.push_str(&reference_decode(rest));
        out.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    /// The first version's entity decoding (it looked for the `;` through the whole rest).
    fn reference_decode(text: &str) -> String {
        let mut out = String::new();
        let mut rest = text;
        while let Some(i) = rest.find('&') {
            out.push_str(&rest[..i]);
            let candidate = &rest[i..];
            let end = candidate.find(';').filter(|e| *e <= 10);
            let decoded = end.and_then(|e| {
                let ch = entity(&candidate[1..e])?;
                Some((ch, e + 1))
            });
            match decoded {
                Some((ch, len)) => {
                    out.push(ch);
                    rest = &candidate[len..];
                }
                None => {
                    out.push('&');
                    rest = &candidate[1..];
                }
            }
        }
        out.push_str(rest);
        out
    }

    proptest! {
        #[test]
        fn quick_text_extraction_matches_the_simple_one(
            html in "(<(/?)(p|li|Script|STYLE|b|x y)( a=\"1\")?>|</script>|</style>|&(amp|lt|nbsp|#39|#x41|bogus);|[ a-zé\t\n&<>/]){0,40}"
        ) {
            // The simple one panics on an unclosed tag cut inside a multi-byte character.
            prop_assume!(reference_applies(&html));
            prop_assert_eq!(to_text(&html), reference_to_text(&html));
        }
    }

    /// The first version of [`is_bare_markup`], a search for `<` then `>` per tag: the byte
    /// scan must answer as it did.
    fn reference_is_bare_markup(html: &str) -> bool {
        let mut rest = html;
        while let Some(i) = rest.find('<') {
            let tag = &rest[i + 1..];
            let Some(end) = tag.find('>') else {
                return false;
            };
            let name = tag[..end].strip_prefix('/').unwrap_or(&tag[..end]);
            if !is_bare_tag(name.as_bytes()) {
                return false;
            }
            rest = &tag[end + 1..];
        }
        true
    }

    proptest! {
        #[test]
        fn bare_markup_is_found_as_the_first_scan_found_it(
            html in "(<|</|<//|>|p|li|blockquote|blockquotes|h7|é|a b|=|\"| |x){0,30}"
        ) {
            prop_assert_eq!(is_bare_markup(&html), reference_is_bare_markup(&html));
        }
    }

    #[test]
    fn whitespace_in_extracted_text_collapses_as_split_whitespace_has_it() {
        for text in [
            "",
            "   ",
            "a",
            " a  b\tc\n\r\x0bd\x0ce ",
            "x\u{85}y\u{a0}z\u{3000}w\u{2028}v\u{200b}u",
            "\u{1c}é \u{1f}ü\u{2003}",
            "  Grüße,  \n\n  Übersicht ",
            "\u{1680}a\u{2000}b\u{200a}c\u{2029}d\u{202f}e\u{205f}f\u{180e}g\u{feff}",
            "€‚ƒ…Ââ\u{2030}\u{3001}",
        ] {
            let words: Vec<_> = text.split_whitespace().collect();
            assert_eq!(collapse_whitespace(text), words.join(" "), "{text:?}");
        }
    }

    /// Bodies built to make a scanner go back over what it has read: each is extracted
    /// reading every byte a bounded number of times (the first version lower-cased the rest
    /// of the body at every `<script>`: 160,000 pairs read 2.2e11 bytes, 20 s in release).
    #[test]
    fn text_extraction_reads_any_body_in_one_pass() {
        let pairs = 160_000;
        let hostile = [
            "<script></script>".repeat(pairs),
            "<STYLE>a</StYlE>".repeat(pairs),
            format!("<script>{}", "</scrip<".repeat(pairs)),
            format!("<style>{}", "<".repeat(pairs)),
            "&".repeat(pairs),
            "&amp".repeat(pairs),
            "<".repeat(pairs),
            "<p".repeat(pairs),
            format!("{}x", "&#x41;&bogus;<b>".repeat(pairs)),
        ];
        for html in &hostile {
            let (text, read) = extract(html);
            assert!(
                read <= 16 * html.len() + 16,
                "{} bytes of {:?}... read {read} bytes",
                html.len(),
                &html[..40]
            );
            assert!(text.len() <= html.len());
        }
        assert_eq!(to_text(&hostile[0]), "");
        assert_eq!(to_text(&hostile[1]), "");
        assert_eq!(to_text(&hostile[4]), "&".repeat(pairs));
    }

    /// Twice the body, twice the reading: not four times.
    #[test]
    fn text_extraction_work_grows_with_the_body_not_its_square() {
        let body = |n: usize| format!("<p>{}</p>", "<script>x</script><b>a &amp; b</b>".repeat(n));
        let (small, read_small) = extract(&body(10_000));
        let (large, read_large) = extract(&body(20_000));
        assert_eq!(large.len(), 2 * small.len() + 1);
        assert!(
            read_large <= 2 * read_small + 64,
            "{read_small} then {read_large}"
        );
    }

    #[test]
    fn sanitising_removes_what_runs_and_keeps_what_an_editor_writes() {
        let kept = [
            "<p>Reset <strong>your</strong> <em>password</em>.</p>",
            "<h2>Steps</h2><ol><li>One</li><li>Two</li></ol>",
            "<p><a href=\"https://status.acme.test\">status</a> or <a href=\"mailto:help@acme.test\">mail</a></p>",
            "<p><a href=\"/helpdesk/attachments/1\" target=\"_blank\" rel=\"noopener\">file</a></p>",
            "<p><img src=\"https://cdn.acme.test/a.png\" alt=\"Screen\" width=\"300\"></p>",
            "<table><thead><tr><th>Plan</th></tr></thead><tbody><tr><td colspan=\"2\">Pro</td></tr></tbody></table>",
            "<pre><code>curl -X POST https://api.acme.test</code></pre>",
            "<blockquote>Quote</blockquote><hr><p style=\"text-align:center\">Centred</p>",
        ];
        for html in kept {
            assert_eq!(sanitise(html), html);
        }
        let cases = [
            ("<p>a</p><script>window.__pwned = 1</script>", "<p>a</p>"),
            (
                "<img src=\"x\" onerror=\"window.__pwned = 1\">",
                "<img src=\"x\">",
            ),
            ("<a href=\"javascript:alert(1)\">x</a>", "<a>x</a>"),
            ("<a href=\"JaVaScRiPt:alert(1)\">x</a>", "<a>x</a>"),
            (
                "<a href=\"data:text/html,<script>1</script>\">x</a>",
                "<a>x</a>",
            ),
            (
                "<iframe srcdoc=\"<script>parent.__pwned=1</script>\"></iframe>b",
                "b",
            ),
            (
                "<svg onload=\"window.__pwned = 1\"><circle></circle></svg>c",
                "c",
            ),
            ("<style>body{display:none}</style><p>d</p>", "<p>d</p>"),
            (
                "<p style=\"position:fixed;color:red\">e</p>",
                "<p style=\"color:red\">e</p>",
            ),
            (
                "<div id=\"ticket-form\" class=\"vote-up\">f</div>",
                "<div>f</div>",
            ),
            (
                "<form action=\"https://evil.test\"><input name=\"q\"></form>g",
                "g",
            ),
            (
                "<a href=\"https://x.test\" target=\"_top\">h</a>",
                "<a href=\"https://x.test\">h</a>",
            ),
            ("<!-- note --><p>i</p>", "<p>i</p>"),
            ("<p>j<b", "<p>j</p>"),
        ];
        for (html, clean) in cases {
            assert_eq!(sanitise(html), clean, "{html}");
        }
    }

    /// Bare markup skips the parser: kept as written, and reading as the parsed body does.
    #[test]
    fn bare_markup_is_kept_as_written() {
        let bare = [
            "<p>Reset <strong>your</strong> password &amp; more.</p><ul><li>One</li></ul>",
            "<p><p>nested</p></p><br><table><tr><td>a</td></tr></table>",
            "Plain text with &lt;script&gt; as text, and a > sign",
        ];
        for html in bare {
            assert!(is_bare_markup(html), "{html}");
            assert_eq!(sanitise(html), html);
            assert_eq!(to_text(&parse_and_sanitise(html)), to_text(html), "{html}");
        }
        for html in [
            "<p onclick=x>a</p>",
            "<P>a</P>",
            "<p >a</p>",
            "a < b",
            "<!-- c -->",
            "<a>x</a>",
            "<p",
        ] {
            assert!(!is_bare_markup(html), "{html}");
        }
    }

    /// The bare tags, each on its own, open and closed; tags that load, run or carry
    /// attributes are not bare, nor are the bare ones in capitals or misspelt.
    #[test]
    fn bare_tags_are_exactly_the_inert_ones() {
        let bare = [
            "p",
            "br",
            "hr",
            "div",
            "span",
            "ul",
            "ol",
            "li",
            "strong",
            "em",
            "b",
            "i",
            "u",
            "s",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "blockquote",
            "pre",
            "code",
            "sub",
            "sup",
            "table",
            "thead",
            "tbody",
            "tr",
            "td",
            "th",
        ];
        for tag in bare {
            assert!(is_bare_markup(&format!("<{tag}>x</{tag}>")), "{tag}");
        }
        for tag in [
            "script", "style", "a", "img", "iframe", "tfoot", "section", "main", "h7", "P", "Br",
            "td ", "li2", "", "svg", "math", "form", "input", "object", "embed",
        ] {
            assert!(!is_bare_markup(&format!("<{tag}>x</{tag}>")), "{tag}");
        }
    }

    #[test]
    fn text_drops_tags_and_decodes_entities() {
        assert_eq!(
            to_text("<p>Reset&nbsp;your <strong>password</strong>.</p><script>x()</script><ul><li>A &amp; B</li></ul>"),
            "Reset your password . A & B"
        );
    }

    #[test]
    fn plain_text_becomes_freshdesk_html() {
        assert_eq!(text_to_html("a\nb"), "<div>a<br>b</div>");
        assert_eq!(text_to_html("<b>"), "<div>&lt;b&gt;</div>");
    }
}
