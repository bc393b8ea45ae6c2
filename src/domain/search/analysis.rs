//! How text becomes terms: each language's analyzer (words, lower case, stop words,
//! stemming, folded accents), and the memo that makes indexing analyse each word once.

use tantivy::tokenizer::{
    AsciiFoldingFilter, Language, LowerCaser, RemoveLongFilter, SimpleTokenStream, SimpleTokenizer,
    Stemmer, StopWordFilter, TextAnalyzer, TextAnalyzerBuilder, Token, TokenStream, Tokenizer,
};

use crate::domain::language::Lang;

/// Longest token indexed; longer "words" are noise (base64, URLs).
const MAX_TOKEN_CHARS: usize = 40;
/// Words an indexing analyzer remembers the analysis of (about 100 bytes each).
const MEMO_WORDS: usize = 200_000;

fn stemmer_language(lang: Lang) -> Option<Language> {
    Some(match lang.code() {
        "ar" => Language::Arabic,
        "da" => Language::Danish,
        "nl" => Language::Dutch,
        "en" => Language::English,
        "fi" => Language::Finnish,
        "fr" => Language::French,
        "de" => Language::German,
        "el" => Language::Greek,
        "hu" => Language::Hungarian,
        "it" => Language::Italian,
        "nb-NO" => Language::Norwegian,
        "pt-BR" | "pt-PT" => Language::Portuguese,
        "ro" => Language::Romanian,
        "ru-RU" => Language::Russian,
        "es" | "es-LA" => Language::Spanish,
        "sv-SE" => Language::Swedish,
        "tr" => Language::Turkish,
        _ => return None,
    })
}

/// The analyzer for one language: words, lower case, stop words removed, stemmed where
/// tantivy has a stemmer, accents folded last so `reinitialiser` finds `réinitialiser`.
pub(super) fn analyzer(lang: Lang) -> TextAnalyzer {
    let base = lower_case_words();
    match stemmer_language(lang) {
        Some(language) => {
            let stop =
                StopWordFilter::new(language).unwrap_or_else(|| StopWordFilter::remove(Vec::new()));
            base.filter(stop)
                .filter(Stemmer::new(language))
                .filter(AsciiFoldingFilter)
                .build()
        }
        None => base.filter(AsciiFoldingFilter).build(),
    }
}

/// The last word as typed, for matching it as a prefix: words, lower case, accents
/// folded, neither stop words nor stems (a word being typed is not a word yet).
pub(super) fn typing_analyzer() -> TextAnalyzer {
    lower_case_words().filter(AsciiFoldingFilter).build()
}

/// What every analyzer starts with: words no longer than [`MAX_TOKEN_CHARS`], lower case.
fn lower_case_words() -> TextAnalyzerBuilder<impl Tokenizer> {
    TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(MAX_TOKEN_CHARS))
        .filter(LowerCaser)
}

pub(super) fn tokenizer_name(lang: Lang) -> String {
    format!("lang_{}", lang.code())
}

/// The language analyzer for indexing, with a memo of what it made of each word.
///
/// Every filter of [`analyzer`] works on one word at a time, so a word always analyses to
/// the same term (or to nothing, for stop words and over-long words). A help centre
/// repeats a few thousand words hundreds of thousands of times, and stemming them again
/// each time was most of the indexing time. The output is exactly [`analyzer`]'s: same
/// terms, positions and offsets. A clone starts with an empty memo (tantivy clones the
/// analyzer for each field of each segment it writes).
pub(super) struct MemoAnalyzer {
    words: SimpleTokenizer,
    analyzer: TextAnalyzer,
    memo: Memo,
}

/// Word → what the analyzer made of it (`None`: nothing, a stop word or an over-long word).
/// FxHash, rustc's hasher: the memo's keys are short words from the account's own
/// fixtures, so SipHash's defence against chosen keys buys nothing here, and it cost a
/// tenth of the indexing time.
type Memo = rustc_hash::FxHashMap<String, Option<String>>;

impl MemoAnalyzer {
    pub(super) fn new(lang: Lang) -> MemoAnalyzer {
        MemoAnalyzer {
            words: SimpleTokenizer::default(),
            analyzer: analyzer(lang),
            memo: Memo::default(),
        }
    }
}

impl Clone for MemoAnalyzer {
    fn clone(&self) -> Self {
        MemoAnalyzer {
            words: SimpleTokenizer::default(),
            analyzer: self.analyzer.clone(),
            memo: Memo::default(),
        }
    }
}

impl Tokenizer for MemoAnalyzer {
    type TokenStream<'a> = MemoTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> MemoTokenStream<'a> {
        MemoTokenStream {
            words: self.words.token_stream(text),
            analyzer: &mut self.analyzer,
            memo: &mut self.memo,
        }
    }
}

pub(super) struct MemoTokenStream<'a> {
    words: SimpleTokenStream<'a>,
    analyzer: &'a mut TextAnalyzer,
    memo: &'a mut Memo,
}

impl TokenStream for MemoTokenStream<'_> {
    fn advance(&mut self) -> bool {
        while self.words.advance() {
            let token = self.words.token_mut();
            if let Some(term) = self.memo.get(&token.text) {
                match term {
                    Some(term) => {
                        token.text.clear();
                        token.text.push_str(term);
                        return true;
                    }
                    None => continue,
                }
            }
            // The word alone goes through the whole analyzer: its tokenizer finds it
            // again as one word, and the filters decide what remains of it.
            let mut stream = self.analyzer.token_stream(&token.text);
            let term = stream.advance().then(|| stream.token().text.clone());
            drop(stream);
            if self.memo.len() < MEMO_WORDS {
                self.memo.insert(token.text.clone(), term.clone());
            }
            if let Some(term) = term {
                token.text = term;
                return true;
            }
        }
        false
    }

    fn token(&self) -> &Token {
        self.words.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.words.token_mut()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lang(code: &str) -> Lang {
        Lang::parse(code).unwrap()
    }

    /// Every token an analyzer makes of `text`: (term, position, offsets).
    fn tokens(tokenizer: &mut TextAnalyzer, text: &str) -> Vec<(String, usize, usize, usize)> {
        let mut stream = tokenizer.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            let t = stream.token();
            out.push((t.text.clone(), t.position, t.offset_from, t.offset_to));
        }
        out
    }

    #[test]
    fn the_indexing_memo_changes_nothing_the_analyzer_makes() {
        let long = "a".repeat(MAX_TOKEN_CHARS + 1);
        let texts = [
            "How to reset your passwords, and the other passwords too",
            "Réinitialiser les mots de passe oubliés, réinitialiser encore",
            "Die Passwörter werden zurückgesetzt; Passwörter!",
            "ÉCOLE école Ecole straße STRASSE 2FA x86_64 日本語のテキスト",
            &format!("{long} short {long} the"),
            "",
        ];
        for code in ["en", "fr", "de", "ja-JP"] {
            let mut memo = TextAnalyzer::from(MemoAnalyzer::new(lang(code)));
            let mut plain = analyzer(lang(code));
            // Twice, so that the second pass is answered from the memo.
            for _ in 0..2 {
                for text in texts {
                    assert_eq!(
                        tokens(&mut memo, text),
                        tokens(&mut plain, text),
                        "{code}: {text}"
                    );
                }
            }
        }
    }
}
