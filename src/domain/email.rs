//! Freshdesk's email address rule, shared by fixtures, tokens and tickets.
//!
//! Freshdesk checks addresses with the pattern
//! `(?i)^[-A-Z0-9.'’_&%=~+]+@([A-Z0-9-]+\.)+[A-Z]{2,15}$` (spec section 3). It is checked
//! here by hand, accepting exactly the strings the pattern matches (a test compares the two
//! on every character in every position): compiling the pattern was a fifteenth of a cold
//! start's instructions, for a rule this small.

/// Does Freshdesk accept this as an email address?
pub fn is_valid_email(email: &str) -> bool {
    let Some((local, domain)) = email.split_once('@') else {
        return false;
    };
    if local.is_empty() || !local.chars().all(is_local_char) {
        return false;
    }
    // Labels of letters, digits and '-', each ended by a '.', then 2 to 15 letters. The
    // labels hold no '.', so the last '.' is where the top-level domain starts.
    let Some((labels, top)) = domain.rsplit_once('.') else {
        return false;
    };
    labels
        .split('.')
        .all(|label| !label.is_empty() && label.chars().all(is_label_char))
        && (2..=15).contains(&top.chars().count())
        && top.chars().all(is_letter)
}

/// `[A-Z]` under `(?i)` with Unicode case folding: the ASCII letters, and the two
/// characters that fold to one of them, 'ſ' (long s) and 'K' (the Kelvin sign).
fn is_letter(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '\u{17F}' || c == '\u{212A}'
}

fn is_label_char(c: char) -> bool {
    is_letter(c) || c.is_ascii_digit() || c == '-'
}

fn is_local_char(c: char) -> bool {
    is_label_char(c) || matches!(c, '.' | '\'' | '’' | '_' | '&' | '%' | '=' | '~' | '+')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_what_freshdesk_accepts() {
        assert!(is_valid_email("alice@globex.test"));
        assert!(is_valid_email("O'Brien+help@mail.example.co.uk"));
        assert!(!is_valid_email("alice@localhost"));
        assert!(!is_valid_email("alice globex.test"));
        assert!(!is_valid_email("alice@globex.t"));
    }

    /// The hand check and Freshdesk's pattern agree on every character in every place of
    /// an address (local part, domain label, top-level domain, around the separators),
    /// and on the shapes around them (empty parts, repeated separators, lengths).
    #[test]
    fn agrees_with_freshdesks_pattern() {
        let pattern =
            regex::Regex::new(r"(?i)^[-A-Z0-9.'’_&%=~+]+@([A-Z0-9-]+\.)+[A-Z]{2,15}$").unwrap();
        let check = |email: &str| {
            assert_eq!(
                is_valid_email(email),
                pattern.is_match(email),
                "{email:?} ({:?})",
                email.chars().map(|c| c as u32).collect::<Vec<_>>()
            );
        };
        let chars = (0..0x11000u32)
            .chain([0x1F600, 0x10FFFF])
            .filter_map(char::from_u32);
        for c in chars {
            for template in [
                "{}@globex.test",
                "a{}b@globex.test",
                "a@{}.test",
                "a@glo{}bex.test",
                "a@globex.t{}",
                "a@globex.te{}st",
                "a@globex.{}",
                "a@globex.test{}",
                "{}",
                "a@{}",
            ] {
                check(&template.replace("{}", &c.to_string()));
            }
        }
        for email in [
            "",
            "@",
            "a@",
            "@globex.test",
            "a@@globex.test",
            "a@.test",
            "a@globex..test",
            "a@globex.test.",
            "a@.globex.test",
            "a@globex.",
            "a@globex",
            "a.b@c.d.ef",
            "a@b.abcdefghijklmno",
            "a@b.abcdefghijklmnop",
            "a@b.ſK",
            "a@b.c\n",
            "a@b.cd\n",
            "\na@b.cd",
            "a@b-.c-d",
            "a@b.c-d",
            "a@b.cd9",
            "-@-.xx",
            "’@a.bc",
            "a b@c.de",
        ] {
            check(email);
        }
    }
}
