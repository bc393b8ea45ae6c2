//! `--redact`: people's names, emails and phones replaced by fakes, so an imported folder
//! can be committed without personal data.
//!
//! A fake is made from the person's id alone (never from the name or email it replaces,
//! which a hash would let anyone guess back from a list of likely addresses), so it is the
//! same at every import: a re-import gives no diff for people who did not change. Company
//! membership, segments, language, state and roles are kept: they are what visibility
//! and language resolution read. Fakes are on `example.com` (reserved for examples), and
//! carry the id so they never collide.

use freshmock::fixtures::{Agent, Contact, Id};

/// Plant and bird names: plainly invented people, unlike any customer's real name.
const FIRST: [&str; 24] = [
    "Ash", "Briar", "Cedar", "Dove", "Ember", "Fern", "Garnet", "Heath", "Ivy", "Juniper",
    "Kestrel", "Linden", "Marlow", "Nettle", "Osprey", "Poppy", "Quill", "Rowan", "Sorrel",
    "Tansy", "Umber", "Vetch", "Wren", "Yarrow",
];
const LAST: [&str; 20] = [
    "Alderbank",
    "Bramblewood",
    "Cloudberry",
    "Dunmoor",
    "Elderholt",
    "Fallowmere",
    "Gorseway",
    "Hollowell",
    "Inchbrook",
    "Juniperdale",
    "Kingsmere",
    "Larkspur",
    "Mossgrove",
    "Nettlefield",
    "Oakhurst",
    "Pebblecombe",
    "Quarrington",
    "Rushmere",
    "Sedgewick",
    "Thornbury",
];

/// A stable fake name for this id ("Wren Mossgrove").
pub fn name(id: Id) -> String {
    let mixed = mix(id);
    format!(
        "{} {}",
        FIRST[(mixed % FIRST.len() as u64) as usize],
        LAST[(mixed / FIRST.len() as u64 % LAST.len() as u64) as usize]
    )
}

/// The fake email for this id: the fake name, the id and which email it is (0: primary).
pub fn email(id: Id, which: usize, kind: &str) -> String {
    let local = name(id).to_lowercase().replace(' ', ".");
    match which {
        0 => format!("{local}.{kind}{id}@example.com"),
        n => format!("{local}.{kind}{id}.{n}@example.com"),
    }
}

/// A fake phone number in a range set aside for drama (London's 020 7946 0xxx).
pub fn phone(id: Id) -> String {
    format!("+44 20 7946 0{:03}", id % 1000)
}

/// A contact with fake name, emails, phones and no external id; everything else kept.
pub fn contact(mut c: Contact) -> Contact {
    c.name = name(c.id);
    c.email = email(c.id, 0, "c");
    c.other_emails = (1..=c.other_emails.len())
        .map(|n| email(c.id, n, "c"))
        .collect();
    c.phone = c.phone.map(|_| phone(c.id));
    c.mobile = c.mobile.map(|_| phone(c.id + 500));
    c.external_id = None;
    c
}

/// An agent with a fake name and email; role and language kept.
pub fn agent(mut a: Agent) -> Agent {
    a.name = name(a.id);
    a.email = email(a.id, 0, "a");
    a
}

/// SplitMix64's finaliser: neighbouring ids get unrelated names.
fn mix(id: Id) -> u64 {
    let mut z = id.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fakes_are_stable_distinct_and_plausible() {
        assert_eq!(name(1002), name(1002));
        assert_eq!(email(1002, 0, "c"), email(1002, 0, "c"));
        assert_ne!(email(1002, 0, "c"), email(1003, 0, "c"));
        assert_ne!(email(1002, 0, "c"), email(1002, 1, "c"));
        assert_ne!(email(1002, 0, "c"), email(1002, 0, "a"));
        assert!(email(7, 0, "c").ends_with("7@example.com"));
        let names: std::collections::HashSet<String> = (1..200).map(name).collect();
        assert!(names.len() > 100, "only {} different names", names.len());
    }
}
