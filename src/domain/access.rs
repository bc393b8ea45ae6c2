//! Who may see which folder (spec section 4): one table, used by show, hit, votes,
//! suggestions and, through the search index's access tokens, by search.

use crate::domain::fixtures::{Folder, Id, Visibility};

/// The person behind a widget call, as far as visibility is concerned.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Caller {
    #[default]
    Anonymous,
    /// A logged-in contact with every company they belong to and the segments that
    /// include them (directly, or through a company).
    Contact {
        companies: Vec<Id>,
        contact_segments: Vec<Id>,
        company_segments: Vec<Id>,
    },
    /// An agent who may manage tickets.
    Agent,
}

/// Which rule column applies: search is stricter than the others (segments never match).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// Show, hit, votes and suggested articles.
    Show,
    Search,
}

/// Why a folder is hidden from a caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hidden {
    LoggedInOnly,
    AgentsOnly,
    /// Visibility 4 and the caller is in none of the folder's companies.
    OtherCompanies,
    BotsOnly,
    /// Visibility 6 and the caller is in none of the folder's contact segments.
    OtherContactSegments,
    /// Visibility 7 and none of the caller's companies is in the folder's company segments.
    OtherCompanySegments,
    /// Segment folders are never searchable, even for their members.
    SegmentsNotSearched,
}

fn overlaps(a: &[Id], b: &[Id]) -> bool {
    a.iter().any(|x| b.contains(x))
}

/// Decides whether `caller` sees `folder` for `purpose`.
pub fn folder_access(folder: &Folder, caller: &Caller, purpose: Purpose) -> Result<(), Hidden> {
    use Visibility::*;
    let segment_hidden = |fallback| {
        if purpose == Purpose::Search {
            Hidden::SegmentsNotSearched
        } else {
            fallback
        }
    };
    match (folder.visibility, caller) {
        (Anyone, _) => Ok(()),
        (Bots, _) => Err(Hidden::BotsOnly),
        (LoggedIn, Caller::Anonymous) => Err(Hidden::LoggedInOnly),
        (LoggedIn, _) => Ok(()),
        (Agents, Caller::Agent) => Ok(()),
        (Agents, _) => Err(Hidden::AgentsOnly),
        (Companies, Caller::Agent) => Ok(()),
        (Companies, Caller::Contact { companies, .. })
            if overlaps(companies, &folder.companies) =>
        {
            Ok(())
        }
        (Companies, _) => Err(Hidden::OtherCompanies),
        (ContactSegments, Caller::Agent) if purpose == Purpose::Show => Ok(()),
        (
            ContactSegments,
            Caller::Contact {
                contact_segments, ..
            },
        ) if purpose == Purpose::Show && overlaps(contact_segments, &folder.contact_segments) => {
            Ok(())
        }
        (ContactSegments, _) => Err(segment_hidden(Hidden::OtherContactSegments)),
        (CompanySegments, Caller::Agent) if purpose == Purpose::Show => Ok(()),
        (
            CompanySegments,
            Caller::Contact {
                company_segments, ..
            },
        ) if purpose == Purpose::Show && overlaps(company_segments, &folder.company_segments) => {
            Ok(())
        }
        (CompanySegments, _) => Err(segment_hidden(Hidden::OtherCompanySegments)),
    }
}

/// The token every folder's articles carry for the agent API's search, which finds the
/// whole knowledge base. No widget caller's [`search_tokens`] hold it.
pub const AGENT_API_TOKEN: &str = "agent_api";

/// Access tokens the search index stores for a folder's articles: a search matches an
/// article when one of its tokens is among the caller's [`search_tokens`].
pub fn folder_tokens(folder: &Folder) -> Vec<String> {
    let mut tokens = widget_tokens(folder);
    tokens.push(AGENT_API_TOKEN.to_owned());
    tokens
}

/// The tokens of [`folder_tokens`] that widget callers can hold.
fn widget_tokens(folder: &Folder) -> Vec<String> {
    match folder.visibility {
        Visibility::Anyone => vec!["anyone".into()],
        Visibility::LoggedIn => vec!["logged_in".into()],
        Visibility::Agents => vec!["agents".into()],
        Visibility::Companies => std::iter::once("companies".to_owned())
            .chain(folder.companies.iter().map(|c| format!("company:{c}")))
            .collect(),
        // Bots and segment folders are never searchable from the widget.
        Visibility::Bots | Visibility::ContactSegments | Visibility::CompanySegments => Vec::new(),
    }
}

/// The tokens a caller's search may match (the search column of the table).
pub fn search_tokens(caller: &Caller) -> Vec<String> {
    SearchAccess::of(caller).tokens()
}

/// What a caller's searches may find, in the fewest terms: two callers with the same
/// `SearchAccess` get the same answers to the same search, so it keys remembered answers.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SearchAccess {
    Anyone,
    LoggedIn { companies: Vec<Id> },
    Agent,
}

impl SearchAccess {
    pub fn of(caller: &Caller) -> SearchAccess {
        match caller {
            Caller::Anonymous => SearchAccess::Anyone,
            Caller::Contact { companies, .. } => SearchAccess::LoggedIn {
                companies: companies.clone(),
            },
            Caller::Agent => SearchAccess::Agent,
        }
    }

    /// The access tokens the search index filters on.
    pub fn tokens(&self) -> Vec<String> {
        match self {
            SearchAccess::Anyone => vec!["anyone".into()],
            SearchAccess::LoggedIn { companies } => ["anyone", "logged_in"]
                .into_iter()
                .map(str::to_owned)
                .chain(companies.iter().map(|c| format!("company:{c}")))
                .collect(),
            SearchAccess::Agent => ["anyone", "logged_in", "agents", "companies"]
                .into_iter()
                .map(str::to_owned)
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folder(visibility: Visibility) -> Folder {
        Folder {
            id: 1,
            name: "f".into(),
            visibility,
            companies: vec![10],
            contact_segments: vec![20],
            company_segments: vec![30],
            description: String::new(),
            created_at: None,
            updated_at: None,
            translations: Default::default(),
            articles: Default::default(),
        }
    }

    fn contact(companies: Vec<Id>, contact_segments: Vec<Id>, company_segments: Vec<Id>) -> Caller {
        Caller::Contact {
            companies,
            contact_segments,
            company_segments,
        }
    }

    /// The search column agrees with the tokens the index stores, for every pair.
    #[test]
    fn search_tokens_agree_with_the_table() {
        let callers = [
            Caller::Anonymous,
            contact(vec![], vec![], vec![]),
            contact(vec![10], vec![20], vec![30]),
            contact(vec![11], vec![], vec![]),
            Caller::Agent,
        ];
        for v in 1..=7u8 {
            let f = folder(Visibility::try_from(v).unwrap());
            for caller in &callers {
                let by_table = folder_access(&f, caller, Purpose::Search).is_ok();
                let tokens = search_tokens(caller);
                let by_tokens = folder_tokens(&f).iter().any(|t| tokens.contains(t));
                assert_eq!(by_table, by_tokens, "visibility {v}, {caller:?}");
            }
        }
    }

    #[test]
    fn segments_show_but_never_search() {
        let member = contact(vec![], vec![20], vec![]);
        let f = folder(Visibility::ContactSegments);
        assert!(folder_access(&f, &member, Purpose::Show).is_ok());
        assert_eq!(
            folder_access(&f, &member, Purpose::Search),
            Err(Hidden::SegmentsNotSearched)
        );
    }

    #[test]
    fn agents_see_everything_but_bots() {
        for v in [1, 2, 3, 4, 6, 7] {
            assert!(folder_access(
                &folder(Visibility::try_from(v).unwrap()),
                &Caller::Agent,
                Purpose::Show
            )
            .is_ok());
        }
        assert_eq!(
            folder_access(&folder(Visibility::Bots), &Caller::Agent, Purpose::Show),
            Err(Hidden::BotsOnly)
        );
    }
}
