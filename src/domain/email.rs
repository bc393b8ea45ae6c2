//! Freshdesk's email address rule, shared by fixtures, tokens and tickets.

use std::sync::LazyLock;

use regex::Regex;

/// Freshdesk's email pattern (spec section 3), case-insensitive.
static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^[-A-Z0-9.'’_&%=~+]+@([A-Z0-9-]+\.)+[A-Z]{2,15}$")
        .expect("email pattern compiles")
});

/// Does Freshdesk accept this as an email address?
pub fn is_valid_email(email: &str) -> bool {
    EMAIL.is_match(email)
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
}
