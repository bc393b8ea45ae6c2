//! Freshdesk's language table and the five-step language resolution (spec section 6).

use std::fmt;

/// Freshdesk's language codes with their `language_id`s, in id order.
const LANGUAGES: [(&str, u32); 43] = [
    ("ar", 1),
    ("ca", 2),
    ("cs", 3),
    ("da", 4),
    ("de", 5),
    ("en", 6),
    ("es-LA", 7),
    ("es", 8),
    ("et", 9),
    ("fi", 10),
    ("fr", 11),
    ("hu", 12),
    ("id", 13),
    ("it", 14),
    ("ja-JP", 15),
    ("ko", 16),
    ("nb-NO", 17),
    ("nl", 18),
    ("pl", 19),
    ("pt-BR", 20),
    ("pt-PT", 21),
    ("ru-RU", 22),
    ("sk", 23),
    ("sl", 24),
    ("sv-SE", 25),
    ("tr", 26),
    ("vi", 27),
    ("zh-CN", 28),
    ("uk", 29),
    ("he", 30),
    ("th", 31),
    ("ro", 32),
    ("zh-TW", 33),
    ("lv-LV", 34),
    ("bs", 35),
    ("bg", 36),
    ("hr", 37),
    ("el", 38),
    ("ms", 39),
    ("lt", 40),
    ("sr", 41),
    ("is", 42),
    ("fil", 43),
];

/// A language Freshdesk knows, as an index into its table (cheap to copy and compare).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Lang(u8);

impl Lang {
    /// Looks a code up case-insensitively (`pt-br` is `pt-BR`); unknown codes are `None`.
    pub fn parse(code: &str) -> Option<Lang> {
        LANGUAGES
            .iter()
            .position(|(c, _)| c.eq_ignore_ascii_case(code.trim()))
            .map(|i| Lang(i as u8))
    }

    /// Freshdesk's spelling of the code (`pt-BR`).
    pub fn code(self) -> &'static str {
        LANGUAGES[self.0 as usize].0
    }

    /// Freshdesk's numeric `language_id`.
    pub fn id(self) -> u32 {
        LANGUAGES[self.0 as usize].1
    }

    /// The part before the region (`pt` for `pt-BR`), used to match `Accept-Language`.
    fn base(self) -> &'static str {
        self.code().split('-').next().unwrap_or_default()
    }

    /// Every language Freshdesk knows.
    pub fn all() -> impl Iterator<Item = Lang> {
        (0..LANGUAGES.len()).map(|i| Lang(i as u8))
    }
}

impl fmt::Debug for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// The account's language setup, as language resolution needs it.
#[derive(Debug, Clone)]
pub struct Languages {
    pub primary: Lang,
    /// The portal's language (step 4), often the primary.
    pub portal: Lang,
    /// Languages offered besides the primary (only meaningful when multilingual).
    pub supported: Vec<Lang>,
    pub multilingual: bool,
}

/// What the request offers for language resolution, in precedence order.
#[derive(Debug, Default, Clone, Copy)]
pub struct LanguageHints<'a> {
    /// The `language` query parameter.
    pub param: Option<&'a str>,
    /// Whether a customer is logged in (a token naming a user): then the profile decides,
    /// never the browser.
    pub logged_in: bool,
    /// The logged-in user's profile language.
    pub profile: Option<Lang>,
    /// The raw `Accept-Language` header.
    pub accept_language: Option<&'a str>,
}

impl Languages {
    /// Is this language one the portal offers (primary or supported)?
    pub fn is_portal_language(&self, lang: Lang) -> bool {
        lang == self.primary || self.supported.contains(&lang)
    }

    /// Languages the portal offers, primary first.
    pub fn portal_languages(&self) -> impl Iterator<Item = Lang> + '_ {
        std::iter::once(self.primary).chain(
            self.supported
                .iter()
                .copied()
                .filter(|l| *l != self.primary),
        )
    }

    /// The language a widget call is answered in: the first valid of the `language`
    /// parameter, the profile language, `Accept-Language`, the portal's language and the
    /// primary language; always the primary on a non-multilingual account.
    pub fn resolve(&self, hints: LanguageHints<'_>) -> Lang {
        if !self.multilingual {
            return self.primary;
        }
        let valid = |lang: Option<Lang>| lang.filter(|l| self.is_portal_language(*l));
        let asked = valid(hints.param.and_then(Lang::parse));
        if hints.logged_in {
            // `Language.for_current_user` (lib/language.rb): the user's language, else the
            // account's primary one; the browser is never consulted.
            return asked
                .or_else(|| valid(hints.profile))
                .unwrap_or(self.primary);
        }
        asked
            .or_else(|| hints.accept_language.and_then(|h| self.best_accepted(h)))
            .or_else(|| valid(Some(self.portal)))
            .unwrap_or(self.primary)
    }

    /// Which step of [`Languages::resolve`] decided, in words (for explanations).
    pub fn explain(&self, hints: LanguageHints<'_>) -> &'static str {
        if !self.multilingual {
            return "the account is not multilingual: always the primary language";
        }
        let valid = |lang: Option<Lang>| lang.filter(|l| self.is_portal_language(*l)).is_some();
        if valid(hints.param.and_then(Lang::parse)) {
            "the language parameter"
        } else if hints.logged_in && valid(hints.profile) {
            "the customer's profile language"
        } else if hints.logged_in {
            "the account's primary language (the customer's profile has none the portal \
             offers; for a logged-in customer Freshdesk never reads the browser's)"
        } else if hints
            .accept_language
            .and_then(|h| self.best_accepted(h))
            .is_some()
        {
            "the Accept-Language header"
        } else if valid(Some(self.portal)) {
            "the portal's language"
        } else {
            "the account's primary language"
        }
    }

    /// The best portal language for an `Accept-Language` header: by quality, then by
    /// order; an exact tag match first, then the same base language (`fr-CA` → `fr`).
    fn best_accepted(&self, header: &str) -> Option<Lang> {
        let mut ranges: Vec<(f32, usize, &str)> = header
            .split(',')
            .enumerate()
            .filter_map(|(i, part)| {
                let mut pieces = part.split(';');
                let tag = pieces.next()?.trim();
                let q = pieces
                    .find_map(|p| p.trim().strip_prefix("q="))
                    .map_or(Some(1.0), |q| q.trim().parse::<f32>().ok())?;
                (!tag.is_empty() && q > 0.0).then_some((q, i, tag))
            })
            .collect();
        ranges.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        ranges.iter().find_map(|(_, _, tag)| {
            let base = tag.split('-').next().unwrap_or_default();
            Lang::parse(tag)
                .filter(|l| self.is_portal_language(*l))
                .or_else(|| {
                    self.portal_languages()
                        .find(|l| l.base().eq_ignore_ascii_case(base))
                })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn multilingual() -> Languages {
        Languages {
            primary: Lang::parse("en").unwrap(),
            portal: Lang::parse("en").unwrap(),
            supported: vec![Lang::parse("fr").unwrap(), Lang::parse("pt-BR").unwrap()],
            multilingual: true,
        }
    }

    #[test]
    fn codes_and_ids_follow_freshdesks_table() {
        assert_eq!(Lang::parse("EN").unwrap().id(), 6);
        assert_eq!(Lang::parse("pt-br").unwrap().code(), "pt-BR");
        assert_eq!(Lang::parse("fil").unwrap().id(), 43);
        assert!(Lang::parse("xx").is_none());
    }

    #[test]
    fn accept_language_prefers_quality_then_base_language() {
        let l = multilingual();
        let hints = |h| LanguageHints {
            accept_language: Some(h),
            ..Default::default()
        };
        assert_eq!(l.resolve(hints("de, fr-CA;q=0.8, en;q=0.5")).code(), "fr");
        assert_eq!(l.resolve(hints("pt;q=0.9, en;q=0.1")).code(), "pt-BR");
        assert_eq!(l.resolve(hints("de")).code(), "en");
        assert_eq!(l.resolve(hints("fr;q=0, en;q=0.2")).code(), "en");
    }

    #[test]
    fn unknown_or_unsupported_parameter_is_ignored() {
        let l = multilingual();
        let profile = Lang::parse("fr");
        let hints = LanguageHints {
            param: Some("de"),
            logged_in: true,
            profile,
            accept_language: None,
        };
        assert_eq!(l.resolve(hints).code(), "fr");
    }

    #[test]
    fn a_logged_in_customer_without_a_language_gets_the_primary_not_the_browsers() {
        let l = multilingual();
        let hints = LanguageHints {
            logged_in: true,
            accept_language: Some("fr"),
            ..Default::default()
        };
        assert_eq!(l.resolve(hints).code(), "en");
        let anonymous = LanguageHints {
            accept_language: Some("fr"),
            ..Default::default()
        };
        assert_eq!(l.resolve(anonymous).code(), "fr");
    }
}
