//! What generated articles say: the topics, each language's sentence patterns, and the
//! plan that makes every translation of an article say the same thing. The words are data,
//! in `vocabulary.json` beside this file, read once when the first set is generated.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use serde::Deserialize;

use freshmock::Lang;

use super::rng::Rng;

/// Every word the generator writes: what `vocabulary.json` holds.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Words {
    /// What the file is, for whoever edits it.
    #[serde(rename = "about")]
    _about: Vec<String>,
    pub(super) topics: Vec<Topic>,
    /// By language code.
    languages: BTreeMap<String, Vocabulary>,
    /// Help-centre sections, in the order categories are named.
    pub(super) category_names: Vec<String>,
    pub(super) first_names: Vec<String>,
    pub(super) last_names: Vec<String>,
    /// A company is named by one word of each, then a legal form.
    pub(super) company_name_parts: [Vec<String>; 2],
    pub(super) company_legal_forms: Vec<String>,
}

/// The words, read from `vocabulary.json` (compiled in).
pub(super) static WORDS: LazyLock<Words> = LazyLock::new(|| {
    let mut words: Words = serde_json::from_str(include_str!("vocabulary.json"))
        .expect("vocabulary.json is well-formed (a test reads it)");
    for (code, vocabulary) in &mut words.languages {
        vocabulary.code = code.clone();
    }
    words
});

/// One subject a help centre writes about, in each language.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Topic {
    pub(super) tag: String,
    pub(super) tags: Vec<String>,
    /// What it is about, as a noun phrase, by language code.
    thing: BTreeMap<String, String>,
    /// What the customer wants to do, as an infinitive phrase, by language code.
    action: BTreeMap<String, String>,
}

/// Sentence patterns of one language. Placeholders: `{action}`, `{thing}`, `{Thing}`
/// (capitalised), `{q}` (an optional qualifier with its leading space), `{place}`,
/// `{button}`, `{n}` (a small number).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Vocabulary {
    /// The language's code (its key in the file).
    #[serde(skip)]
    code: String,
    titles: Vec<String>,
    qualifiers: Vec<String>,
    intros: Vec<String>,
    steps: Vec<String>,
    closings: Vec<String>,
    tip: String,
    tips: Vec<String>,
    places: Vec<String>,
    buttons: Vec<String>,
    /// The word attachment names start with (`invoice-guide-en.pdf`).
    pub(super) attachment: String,
}

/// The words of this language, if the generator has them.
pub(super) fn vocabulary(lang: Lang) -> Option<&'static Vocabulary> {
    WORDS.languages.get(lang.code())
}

/// English: the shape (how many patterns of each kind) every language has.
fn english() -> &'static Vocabulary {
    &WORDS.languages["en"]
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Fills one pattern for a topic.
fn fill(pattern: &str, v: &Vocabulary, topic: &Topic, rng: &mut Rng, qualified: bool) -> String {
    let thing = &topic.thing[&v.code];
    let mut out = pattern
        .replace("{action}", &topic.action[&v.code])
        .replace("{Thing}", &capitalise(thing))
        .replace("{thing}", thing);
    if out.contains("{q}") {
        let q = if qualified {
            format!(" {}", rng.pick(&v.qualifiers))
        } else {
            String::new()
        };
        out = out.replace("{q}", &q);
    }
    while out.contains("{place}") {
        let place = rng.pick(&v.places);
        out = out.replacen("{place}", place, 1);
    }
    while out.contains("{button}") {
        let button = rng.pick(&v.buttons);
        out = out.replacen("{button}", button, 1);
    }
    out.replace("{n}", &(2 + rng.below(29)).to_string())
}

/// The title pattern, qualifier choice and sentence choices are drawn once per article,
/// so that every translation says the same thing.
pub(super) struct ArticlePlan {
    title: usize,
    qualifier: bool,
    intro: usize,
    steps: Vec<usize>,
    closing: usize,
    tip: Option<usize>,
    seed: u64,
}

impl ArticlePlan {
    pub(super) fn draw(rng: &mut Rng) -> ArticlePlan {
        let en = english();
        let step_count = 3 + rng.below(3) as usize;
        let mut steps = Vec::with_capacity(step_count);
        while steps.len() < step_count {
            let s = rng.below(en.steps.len() as u64) as usize;
            if !steps.contains(&s) {
                steps.push(s);
            }
        }
        ArticlePlan {
            title: rng.below(en.titles.len() as u64) as usize,
            qualifier: rng.percent(50),
            intro: rng.below(en.intros.len() as u64) as usize,
            steps,
            closing: rng.below(en.closings.len() as u64) as usize,
            tip: rng
                .percent(40)
                .then(|| rng.below(en.tips.len() as u64) as usize),
            seed: rng.next(),
        }
    }

    pub(super) fn title(&self, v: &Vocabulary, topic: &Topic) -> String {
        let mut rng = Rng(self.seed);
        fill(&v.titles[self.title], v, topic, &mut rng, self.qualifier)
    }

    pub(super) fn body(&self, v: &Vocabulary, topic: &Topic) -> String {
        let mut rng = Rng(self.seed ^ 0x5EED);
        let mut html = format!(
            "<p>{}</p><ul>",
            fill(&v.intros[self.intro], v, topic, &mut rng, false)
        );
        for &s in &self.steps {
            html.push_str(&format!(
                "<li>{}</li>",
                fill(&v.steps[s], v, topic, &mut rng, false)
            ));
        }
        html.push_str(&format!(
            "</ul><p>{}</p>",
            fill(&v.closings[self.closing], v, topic, &mut rng, false)
        ));
        if let Some(t) = self.tip {
            html.push_str(&format!(
                "<p><strong>{}</strong> {}</p>",
                v.tip,
                fill(&v.tips[t], v, topic, &mut rng, false)
            ));
        }
        html
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An article's plan is drawn from English's patterns and then filled in every
    /// language, so every language needs as many of each, and every topic every language.
    #[test]
    fn every_language_has_the_shape_of_english_and_every_topic_every_language() {
        let en = english();
        let shape = |v: &Vocabulary| {
            [
                v.titles.len(),
                v.intros.len(),
                v.steps.len(),
                v.closings.len(),
                v.tips.len(),
            ]
        };
        assert!(WORDS.languages.len() >= 4);
        for (code, v) in &WORDS.languages {
            assert!(Lang::parse(code).is_some(), "{code} is not a language");
            assert_eq!(shape(v), shape(en), "{code}");
            for list in [&v.qualifiers, &v.places, &v.buttons] {
                assert!(!list.is_empty(), "{code}");
            }
            for topic in &WORDS.topics {
                assert!(topic.thing.contains_key(code), "{}: {code}", topic.tag);
                assert!(topic.action.contains_key(code), "{}: {code}", topic.tag);
            }
        }
        let [first, second] = &WORDS.company_name_parts;
        for names in [
            &WORDS.category_names,
            &WORDS.first_names,
            &WORDS.last_names,
            first,
            second,
            &WORDS.company_legal_forms,
        ] {
            assert!(!names.is_empty());
        }
    }
}
