//! The little HTML handling freshmock needs: text out of article bodies for the index,
//! and Freshdesk's plain-text-to-HTML for ticket descriptions.

/// Text content of an HTML fragment: tags dropped (block tags become spaces), the common
/// entities decoded, script and style content skipped.
pub fn to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        out.push_str(&decode_entities(&rest[..start]));
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
    out.push_str(&decode_entities(rest));
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
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
    out
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
