//! The `query` of Freshdesk's filter searches (`GET /api/v2/search/tickets?query="..."`,
//! `.../contacts`): terms `field:value` joined by `AND` and `OR` (AND binds tighter),
//! parentheses, the whole in double quotes. Values are integers, `'quoted text'`, `null`,
//! `true`/`false`, and for dates `'2026-01-01'`, `>'2026-01-01'` or `<'2026-01-01'`.
//! The handlers say which fields exist and what a term means for their records.

use crate::http::agent::api::invalid;
use crate::http::error::ApiError;

/// Freshdesk's limit on a search query.
const MAX_QUERY_CHARS: usize = 512;

/// A parsed query.
#[derive(Debug, Clone, PartialEq)]
pub enum Query {
    And(Box<Query>, Box<Query>),
    Or(Box<Query>, Box<Query>),
    Term(Term),
}

/// One `field:value`.
#[derive(Debug, Clone, PartialEq)]
pub struct Term {
    pub field: String,
    pub op: Op,
    pub value: Value,
}

/// How a term compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Eq,
    /// `field:>'...'`: on or after (Freshdesk's date ranges include the day).
    AtLeast,
    /// `field:<'...'`: on or before.
    AtMost,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Int(i64),
    Text(String),
    Bool(bool),
    Null,
}

impl Query {
    /// Whether `matches` holds for the query's terms as AND and OR combine them.
    pub fn eval(&self, matches: &impl Fn(&Term) -> bool) -> bool {
        match self {
            Query::And(a, b) => a.eval(matches) && b.eval(matches),
            Query::Or(a, b) => a.eval(matches) || b.eval(matches),
            Query::Term(t) => matches(t),
        }
    }

    /// Every term, left to right.
    pub fn terms(&self) -> Vec<&Term> {
        match self {
            Query::And(a, b) | Query::Or(a, b) => {
                let mut out = a.terms();
                out.extend(b.terms());
                out
            }
            Query::Term(t) => vec![t],
        }
    }
}

/// The `query` parameter, checked: present, in double quotes, parsed, and naming only
/// `fields` (else `invalid_field` on the unknown one).
pub fn parse_param(raw: Option<&str>, fields: &[&str]) -> Result<Query, ApiError> {
    let Some(raw) = raw else {
        return Err(invalid(
            "query",
            "It should be a/an String",
            "missing_field",
        ));
    };
    if raw.chars().count() > MAX_QUERY_CHARS + 2 {
        return Err(invalid(
            "query",
            format!("It can have maximum of {MAX_QUERY_CHARS} characters"),
            "invalid_value",
        ));
    }
    let inner = raw
        .trim()
        .strip_prefix('"')
        .and_then(|q| q.strip_suffix('"'))
        .ok_or_else(|| {
            invalid(
                "query",
                "It should be enclosed in double quotes",
                "invalid_value",
            )
        })?;
    let query = parse(inner).map_err(|why| invalid("query", why, "invalid_value"))?;
    for term in query.terms() {
        if !fields.contains(&term.field.as_str()) {
            return Err(invalid(
                &term.field,
                "Unexpected/invalid field in request",
                "invalid_field",
            ));
        }
    }
    Ok(query)
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Open,
    Close,
    And,
    Or,
    Term(Term),
}

/// Parses a query without its double quotes.
pub fn parse(text: &str) -> Result<Query, String> {
    let tokens = tokenize(text)?;
    let mut at = 0;
    let query = or_expr(&tokens, &mut at)?;
    if at < tokens.len() {
        return Err(format!("Unexpected {:?} in the query", tokens[at]));
    }
    Ok(query)
}

fn or_expr(tokens: &[Token], at: &mut usize) -> Result<Query, String> {
    let mut left = and_expr(tokens, at)?;
    while tokens.get(*at) == Some(&Token::Or) {
        *at += 1;
        let right = and_expr(tokens, at)?;
        left = Query::Or(Box::new(left), Box::new(right));
    }
    Ok(left)
}

fn and_expr(tokens: &[Token], at: &mut usize) -> Result<Query, String> {
    let mut left = primary(tokens, at)?;
    while tokens.get(*at) == Some(&Token::And) {
        *at += 1;
        let right = primary(tokens, at)?;
        left = Query::And(Box::new(left), Box::new(right));
    }
    Ok(left)
}

fn primary(tokens: &[Token], at: &mut usize) -> Result<Query, String> {
    match tokens.get(*at) {
        Some(Token::Term(t)) => {
            *at += 1;
            Ok(Query::Term(t.clone()))
        }
        Some(Token::Open) => {
            *at += 1;
            let inner = or_expr(tokens, at)?;
            if tokens.get(*at) != Some(&Token::Close) {
                return Err("A parenthesis is not closed".into());
            }
            *at += 1;
            Ok(inner)
        }
        Some(other) => Err(format!("Expected a field:value term, found {other:?}")),
        None => Err("The query is empty or ends with AND/OR".into()),
    }
}

fn tokenize(text: &str) -> Result<Vec<Token>, String> {
    let chars: Vec<char> = text.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '(' {
            tokens.push(Token::Open);
            i += 1;
        } else if c == ')' {
            tokens.push(Token::Close);
            i += 1;
        } else {
            // A word: a field name up to ':' or a keyword.
            let start = i;
            while i < chars.len()
                && !chars[i].is_whitespace()
                && !matches!(chars[i], ':' | '(' | ')')
            {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            if i < chars.len() && chars[i] == ':' {
                i += 1;
                let (op, value) = value(&chars, &mut i)?;
                tokens.push(Token::Term(Term {
                    field: word,
                    op,
                    value,
                }));
            } else if word == "AND" {
                tokens.push(Token::And);
            } else if word == "OR" {
                tokens.push(Token::Or);
            } else {
                return Err(format!("{word:?} is not a field:value term, AND or OR"));
            }
        }
    }
    Ok(tokens)
}

fn value(chars: &[char], i: &mut usize) -> Result<(Op, Value), String> {
    let op = match chars.get(*i) {
        Some('>') => Op::AtLeast,
        Some('<') => Op::AtMost,
        _ => Op::Eq,
    };
    if op != Op::Eq {
        *i += 1;
    }
    if chars.get(*i) == Some(&'\'') {
        *i += 1;
        let start = *i;
        while *i < chars.len() && chars[*i] != '\'' {
            *i += 1;
        }
        if *i >= chars.len() {
            return Err("A quoted value is not closed".into());
        }
        let text: String = chars[start..*i].iter().collect();
        *i += 1;
        return Ok((op, Value::Text(text)));
    }
    let start = *i;
    while *i < chars.len() && !chars[*i].is_whitespace() && chars[*i] != ')' {
        *i += 1;
    }
    let word: String = chars[start..*i].iter().collect();
    let value = match word.as_str() {
        "" => return Err("A term has no value".into()),
        "null" => Value::Null,
        "true" => Value::Bool(true),
        "false" => Value::Bool(false),
        w => Value::Int(
            w.parse()
                .map_err(|_| format!("{w:?} should be a number, or text in single quotes"))?,
        ),
    };
    Ok((op, value))
}

/// A date term's bounds in Unix seconds: a day (`'2026-01-01'`) covers the whole day.
pub fn date_matches(op: Op, value: &Value, at: i64) -> Option<bool> {
    let Value::Text(text) = value else {
        return None;
    };
    let start = crate::domain::clock::parse_instant(&format!("{text}T00:00:00Z"))
        .or_else(|_| crate::domain::clock::parse_instant(text))
        .ok()?
        .div_euclid(1000);
    let end = start + 86_400;
    Some(match op {
        Op::Eq => (start..end).contains(&at),
        Op::AtLeast => at >= start,
        Op::AtMost => at < end,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn term(field: &str, value: Value) -> Query {
        Query::Term(Term {
            field: field.into(),
            op: Op::Eq,
            value,
        })
    }

    #[test]
    fn and_binds_tighter_than_or_and_parentheses_group() {
        let q = parse("status:2 OR priority:3 AND type:'Question'").unwrap();
        assert_eq!(
            q,
            Query::Or(
                Box::new(term("status", Value::Int(2))),
                Box::new(Query::And(
                    Box::new(term("priority", Value::Int(3))),
                    Box::new(term("type", Value::Text("Question".into())))
                ))
            )
        );
        let q = parse("(status:2 OR status:3) AND tag:'vip'").unwrap();
        assert!(matches!(q, Query::And(..)));
    }

    #[test]
    fn ranges_nulls_and_mistakes() {
        let q = parse("created_at:>'2026-01-01' AND group_id:null").unwrap();
        let terms = q.terms();
        assert_eq!(terms[0].op, Op::AtLeast);
        assert_eq!(terms[1].value, Value::Null);
        for bad in [
            "",
            "status:",
            "status:2 AND",
            "(status:2",
            "status:two",
            "hello",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_day_covers_the_whole_day() {
        let day = Value::Text("2026-01-01".into());
        let noon = 1_767_225_600 + 12 * 3600;
        assert_eq!(date_matches(Op::Eq, &day, noon), Some(true));
        assert_eq!(date_matches(Op::AtMost, &day, noon), Some(true));
        assert_eq!(date_matches(Op::AtLeast, &day, noon - 86_400), Some(false));
    }
}
