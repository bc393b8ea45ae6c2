//! The little HTML handling freshmock needs: text out of article bodies for the index,
//! and Freshdesk's plain-text-to-HTML for ticket descriptions.

/// Text content of an HTML fragment: tags dropped (block tags become spaces), the common
/// entities decoded, script and style content skipped.
///
/// It runs on every article translation when the search index is built, so it makes no
/// allocation per tag or per text run.
pub fn to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        push_decoded(&mut out, &rest[..start]);
        let after = &rest[start..];
        let end = after.find('>').map_or(after.len(), |e| e + 1);
        let tag = after
            .get(1..end.saturating_sub(1).max(1))
            .unwrap_or_default()
            .trim_start_matches('/');
        let name_len = tag.bytes().take_while(u8::is_ascii_alphanumeric).count();
        let name = &tag[..name_len];
        rest = &after[end..];
        let skipped = ["script", "style"]
            .into_iter()
            .find(|s| name.eq_ignore_ascii_case(s));
        if let (Some(skipped), false) = (skipped, after.starts_with("</")) {
            let close = format!("</{skipped}");
            let lower = rest.to_ascii_lowercase();
            rest = match lower.find(&close) {
                Some(i) => &rest[i..],
                None => "",
            };
            continue;
        }
        out.push(' ');
    }
    push_decoded(&mut out, rest);
    // Runs of whitespace become one space, with none at either end.
    let mut text = String::with_capacity(out.len());
    for word in out.split_whitespace() {
        if !text.is_empty() {
            text.push(' ');
        }
        text.push_str(word);
    }
    text
}

/// Appends `text` to `out` with its entities decoded.
fn push_decoded(out: &mut String, text: &str) {
    let mut rest = text;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        let candidate = &rest[i..];
        let end = candidate.find(';').filter(|e| *e <= 10);
        let decoded = end.and_then(|e| {
            let entity = &candidate[1..e];
            let ch = match entity {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" | "#39" => Some('\''),
                "nbsp" => Some(' '),
                _ => entity
                    .strip_prefix("#x")
                    .or_else(|| entity.strip_prefix("#X"))
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                    .and_then(char::from_u32),
            }?;
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
}

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
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The first, simpler implementation of [`to_text`], kept to check the quick one.
    /// Text content of an HTML fragment: tags dropped (block tags become spaces), the common
    /// entities decoded, script and style content skipped.
    fn reference_to_text(html: &str) -> String {
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

    fn reference_decode(text: &str) -> String {
        let mut out = String::new();
        push_decoded(&mut out, text);
        out
    }

    proptest! {
        #[test]
        fn quick_text_extraction_matches_the_simple_one(
            html in "(<(/?)(p|li|Script|STYLE|b|x y)( a=\"1\")?>|</script>|</style>|&(amp|lt|nbsp|#39|#x41|bogus);|[ a-zé\t\n&<>/]){0,40}"
        ) {
            // The simple one panics on an unclosed tag cut inside a multi-byte character.
            prop_assume!(html.is_ascii() || html.rfind('<').is_none_or(|i| html[i..].contains('>')));
            prop_assert_eq!(to_text(&html), reference_to_text(&html));
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
