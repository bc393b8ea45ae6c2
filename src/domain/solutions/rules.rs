//! The account's rules for its knowledge base, in Freshdesk's validation terms: names
//! unique where Freshdesk keeps them unique, the one portal, a folder's visibility and the
//! groups it names, an article's tags, SEO keys and author, and which translation a call
//! may make or change. Each refuses with an [`Invalid`] (400, or 409 for a name taken);
//! the HTTP room only reads the body and finds the records.

use serde_json::{Map, Value};

use crate::domain::fixtures::{Category, Id, Visibility};
use crate::domain::invalid::{FieldError, Invalid};
use crate::domain::people::{Directory, User};

/// Longest category or folder name Freshdesk takes.
pub const MAX_NAME: usize = 240;
/// Longest article title.
pub const MAX_TITLE: usize = 240;
/// Longest tag.
const MAX_TAG: usize = 32;
/// The keys an article's `seo_data` takes.
const SEO_KEYS: [&str; 3] = ["meta_title", "meta_description", "meta_keywords"];

/// `visible_in_portals`, when given, names the account's one portal (`portal`) and no other.
pub fn check_portals(portal: Id, portals: Option<&[u64]>) -> Result<(), Invalid> {
    match portals {
        Some(ids) if ids.is_empty() || ids.iter().any(|p| *p != portal) => Err(Invalid::one(
            "visible_in_portals",
            format!("It should be one of these values: '{portal}'"),
            "invalid_value",
        )),
        _ => Ok(()),
    }
}

/// No two categories share a name, whatever its case (`except`: the one being renamed).
pub fn unique_category_name(
    categories: &[Category],
    name: &str,
    except: Option<Id>,
) -> Result<(), Invalid> {
    match categories
        .iter()
        .find(|c| Some(c.id) != except && c.name.eq_ignore_ascii_case(name))
    {
        Some(other) => Err(Invalid::duplicate(
            "name",
            format!("category {} is already named {name:?}", other.id),
        )),
        None => Ok(()),
    }
}

/// No two folders of a category share a name, whatever its case.
pub fn unique_folder_name(
    category: &Category,
    name: &str,
    except: Option<Id>,
) -> Result<(), Invalid> {
    match category
        .folders
        .iter()
        .find(|f| Some(f.id) != except && f.name.eq_ignore_ascii_case(name))
    {
        Some(other) => Err(Invalid::duplicate(
            "name",
            format!(
                "folder {} of category {} is already named {name:?}",
                other.id, category.id
            ),
        )),
        None => Ok(()),
    }
}

/// `seo_data` takes Freshdesk's three keys only: one error for each other key.
pub fn seo_errors(seo: &Map<String, Value>) -> Vec<FieldError> {
    seo.keys()
        .filter(|key| !SEO_KEYS.contains(&key.as_str()))
        .map(|key| FieldError::unexpected(&format!("seo_data.{key}")))
        .collect()
}

/// Tags are neither blank nor longer than 32 characters.
pub fn tags_error(tags: &[String]) -> Option<FieldError> {
    tags.iter()
        .any(|t| t.trim().is_empty() || t.chars().count() > MAX_TAG)
        .then(|| {
            FieldError::new(
                "tags",
                format!(
                    "It should only contain elements that have maximum of {MAX_TAG} characters"
                ),
                "invalid_value",
            )
        })
}

/// An article's `agent_id`, when given, names one of the account's agents.
pub fn check_agent(directory: &Directory, agent_id: Option<u64>) -> Result<(), Invalid> {
    match agent_id {
        Some(id) if !directory.find_by_id(id).is_some_and(User::is_agent) => Err(Invalid::one(
            "agent_id",
            format!("There is no agent matching the given agent_id {id}"),
            "invalid_value",
        )),
        _ => Ok(()),
    }
}

/// The `folder_id` an article moves to names a folder (`exists`).
pub fn check_folder_id(id: Id, exists: bool) -> Result<Id, Invalid> {
    if exists {
        Ok(id)
    } else {
        Err(Invalid::one(
            "folder_id",
            format!("There is no folder with id {id}"),
            "invalid_value",
        ))
    }
}

/// What a translation call does to the `:language` version of a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TranslationCall {
    /// `POST`: makes it.
    Create,
    /// `PUT`: changes it.
    Update,
}

/// Why a translation call is refused: input a rule refuses, or no version to change (an
/// empty 404, as for a record that does not exist).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    Invalid(Invalid),
    NoTranslation(String),
}

impl From<Invalid> for Refusal {
    fn from(invalid: Invalid) -> Refusal {
        Refusal::Invalid(invalid)
    }
}

/// Whether `call` may make or change the `code` version of `what` (say `"folder 7"`),
/// which `exists` or not. The primary language's version is the record itself: it is made
/// with the record and changed through it. A version is made once, and changed once made.
pub fn check_translation_call(
    call: TranslationCall,
    primary: &str,
    code: &str,
    exists: bool,
    what: &str,
) -> Result<(), Refusal> {
    match call {
        TranslationCall::Create if code == primary => Err(Invalid::duplicate(
            "language",
            format!("{code} is the primary language: its version is the record itself"),
        )
        .into()),
        TranslationCall::Update if code == primary => Err(Invalid::one(
            "language",
            format!("{code} is the primary language: change the record itself"),
            "invalid_value",
        )
        .into()),
        TranslationCall::Create if exists => Err(Invalid::duplicate(
            "language",
            format!("{what} already has a {code} translation: PUT changes it"),
        )
        .into()),
        TranslationCall::Update if !exists => Err(Refusal::NoTranslation(format!(
            "{what} has no {code} translation: POST makes it"
        ))),
        _ => Ok(()),
    }
}

/// A folder's visibility and the groups it names, as a call gives them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Access {
    /// Freshdesk's number of the visibility (1–7).
    pub visibility: Option<u64>,
    pub companies: Option<Vec<u64>>,
    pub contact_segments: Option<Vec<u64>>,
    pub company_segments: Option<Vec<u64>>,
}

impl Access {
    /// Lays the access over `folder`: the ids a visibility needs must be given with it (and
    /// name groups `known` finds: companies for [`Visibility::Companies`], contact or
    /// company segments for the segment visibilities); ids of another visibility are
    /// refused, and a folder leaving a visibility forgets its ids.
    pub fn apply(
        self,
        folder: &mut crate::domain::fixtures::Folder,
        known: &dyn Fn(Visibility, Id) -> bool,
    ) -> Result<(), Invalid> {
        if let Some(v) = self.visibility {
            folder.visibility = Visibility::try_from(v as u8)
                .map_err(|e| Invalid::one("visibility", e, "invalid_value"))?;
        }
        let visibility = folder.visibility;
        let mut errors = Vec::new();
        let groups = [
            (
                "company_ids",
                Visibility::Companies,
                self.companies,
                &mut folder.companies,
            ),
            (
                "contact_segment_ids",
                Visibility::ContactSegments,
                self.contact_segments,
                &mut folder.contact_segments,
            ),
            (
                "company_segment_ids",
                Visibility::CompanySegments,
                self.company_segments,
                &mut folder.company_segments,
            ),
        ];
        for (field, needs, given, held) in groups {
            if let Some(error) = group(field, visibility, needs, given, held, known) {
                errors.push(error);
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(Invalid::of(errors))
        }
    }
}

/// One group list of a folder (`held`) as a call gives it: kept when given with the
/// visibility it `needs` and naming known groups, cleared under another visibility.
fn group(
    field: &str,
    visibility: Visibility,
    needs: Visibility,
    given: Option<Vec<u64>>,
    held: &mut Vec<Id>,
    known: &dyn Fn(Visibility, Id) -> bool,
) -> Option<FieldError> {
    let error = match given {
        Some(_) if visibility != needs => Some(FieldError::new(
            field,
            format!(
                "It should be given only with visibility {}",
                u8::from(needs)
            ),
            "invalid_field",
        )),
        Some(ids) => {
            let unknown: Vec<String> = ids
                .iter()
                .filter(|id| !known(needs, **id))
                .map(u64::to_string)
                .collect();
            if !unknown.is_empty() {
                Some(FieldError::new(
                    field,
                    format!(
                        "There are no records matching the ids: '{}'",
                        unknown.join(", ")
                    ),
                    "invalid_value",
                ))
            } else if ids.is_empty() {
                Some(FieldError::new(
                    field,
                    "It should not be blank as this is a mandatory field",
                    "invalid_value",
                ))
            } else {
                *held = ids;
                None
            }
        }
        None if visibility == needs && held.is_empty() => Some(FieldError::new(
            field,
            "Mandatory attribute missing",
            "missing_field",
        )),
        None => None,
    };
    if visibility != needs {
        held.clear();
    }
    error
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::fixtures::{FixtureSet, Folder};
    use crate::domain::invalid::InvalidKind;

    fn folder(visibility: Visibility) -> Folder {
        let mut folder = FixtureSet::bundled().unwrap().solutions[0].folders[0].clone();
        folder.visibility = visibility;
        folder.companies = vec![1];
        folder
    }

    fn codes(invalid: &Invalid) -> Vec<(&str, &str)> {
        invalid
            .errors
            .iter()
            .map(|e| (e.field.as_str(), e.code))
            .collect()
    }

    #[test]
    fn a_translation_is_made_once_and_changed_once_made() {
        use TranslationCall::{Create, Update};
        let check =
            |call, code, exists| check_translation_call(call, "en", code, exists, "folder 7");
        assert_eq!(check(Create, "de", false), Ok(()));
        assert_eq!(check(Update, "de", true), Ok(()));
        let Err(Refusal::Invalid(taken)) = check(Create, "de", true) else {
            panic!("a second version was made");
        };
        assert_eq!(taken.kind, InvalidKind::Conflict);
        assert!(matches!(
            check(Update, "de", false),
            Err(Refusal::NoTranslation(_))
        ));
    }

    #[test]
    fn the_primary_language_is_the_record_itself() {
        use TranslationCall::{Create, Update};
        let Err(Refusal::Invalid(made)) = check_translation_call(Create, "en", "en", true, "x")
        else {
            panic!("the primary version was made again");
        };
        assert_eq!(made.kind, InvalidKind::Conflict);
        let Err(Refusal::Invalid(changed)) = check_translation_call(Update, "en", "en", true, "x")
        else {
            panic!("the primary version was changed as a translation");
        };
        assert_eq!(codes(&changed), [("language", "invalid_value")]);
    }

    #[test]
    fn a_folder_leaving_a_visibility_forgets_its_groups() {
        let mut f = folder(Visibility::Companies);
        let access = Access {
            visibility: Some(1),
            ..Access::default()
        };
        access.apply(&mut f, &|_, _| true).unwrap();
        assert_eq!(f.visibility, Visibility::Anyone);
        assert!(f.companies.is_empty());
    }

    #[test]
    fn a_restricted_folder_needs_known_groups_of_its_own_visibility() {
        let mut f = folder(Visibility::Anyone);
        let access = Access {
            visibility: Some(6),
            companies: Some(vec![1]),
            ..Access::default()
        };
        let refused = access.apply(&mut f, &|_, id| id == 1).unwrap_err();
        assert_eq!(
            codes(&refused),
            [
                ("company_ids", "invalid_field"),
                ("contact_segment_ids", "missing_field")
            ]
        );
        let unknown = Access {
            visibility: Some(4),
            companies: Some(vec![1, 2]),
            ..Access::default()
        };
        let refused = unknown.apply(&mut f, &|_, id| id == 1).unwrap_err();
        assert_eq!(codes(&refused), [("company_ids", "invalid_value")]);
        assert!(refused.reason.contains("'2'"), "{}", refused.reason);
    }

    #[test]
    fn names_are_unique_whatever_their_case() {
        let set = FixtureSet::bundled().unwrap();
        let category = &set.solutions[0];
        let taken = category.name.to_uppercase();
        let refused = unique_category_name(&set.solutions, &taken, None).unwrap_err();
        assert_eq!(refused.kind, InvalidKind::Conflict);
        assert_eq!(
            unique_category_name(&set.solutions, &taken, Some(category.id)),
            Ok(())
        );
        let folder = &category.folders[0];
        assert!(unique_folder_name(category, &folder.name.to_lowercase(), None).is_err());
        assert_eq!(
            unique_folder_name(category, &folder.name, Some(folder.id)),
            Ok(())
        );
    }

    #[test]
    fn the_one_portal_is_the_only_one_named() {
        assert_eq!(check_portals(5, None), Ok(()));
        assert_eq!(check_portals(5, Some(&[5])), Ok(()));
        assert!(check_portals(5, Some(&[])).is_err());
        assert!(check_portals(5, Some(&[5, 6])).is_err());
    }

    #[test]
    fn tags_and_seo_keys_are_freshdesks() {
        assert_eq!(tags_error(&["fine".into()]), None);
        assert!(tags_error(&[" ".into()]).is_some());
        assert!(tags_error(&["x".repeat(33)]).is_some());
        let seo: Map<String, Value> =
            serde_json::from_str(r#"{"meta_title":"t","colour":"red"}"#).unwrap();
        let errors = seo_errors(&seo);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, "seo_data.colour");
    }
}
