use std::path::{Path, PathBuf};

use serde_json::Value;
use sha2::{Digest, Sha256};

use super::open::{classify, fingerprint, FILE_NAME, IN_MEMORY};
use super::schema::{APPLICATION_ID, SCHEMA};
use super::*;
use crate::domain::fixtures::{FixtureSet, Id};

/// Data directories made before the fingerprint was streamed keep opening.
#[test]
fn fingerprint_is_the_hash_of_the_fixture_document() {
    let fixtures = FixtureSet::bundled().unwrap();
    let document = serde_json::to_vec(&fixtures.to_document()).unwrap();
    let expected: String = Sha256::digest(&document)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(fingerprint(&fixtures), expected);
    assert_eq!(Location::Memory.fingerprint(&fixtures), IN_MEMORY);
    assert_eq!(Location::Dir("x".into()).fingerprint(&fixtures), expected);
}

const FP: &str = "fixtures-a";

fn ticket(widget: Id, client: &str, attachments: Vec<u64>) -> TicketRecord {
    TicketRecord {
        id: 0,
        requester_id: 1001,
        email: "nora@example.com".into(),
        name: None,
        phone: None,
        subject: Some("Help".into()),
        description: "<div>hi</div>".into(),
        description_text: "hi".into(),
        source: 9,
        product_id: None,
        status: 2,
        priority: 1,
        ticket_type: None,
        group_id: None,
        tags: vec![],
        cc_emails: vec![],
        custom_fields: Default::default(),
        attachment_ids: attachments,
        meta: Value::Null,
        widget_id: widget,
        client_id: client.into(),
        created_at: 0,
        agent: AgentTicketFields::default(),
    }
}

fn draft(widget: Id, client: &str, content: &[u8]) -> (NewAttachment, Vec<u8>) {
    (
        NewAttachment {
            widget_id: widget,
            client_id: client.into(),
            name: "a.txt".into(),
            content_type: "text/plain".into(),
            size: content.len() as u64,
            created_at: 0,
        },
        content.to_vec(),
    )
}

fn dir_with_db() -> (tempfile::TempDir, Location) {
    let dir = tempfile::tempdir().unwrap();
    let location = Location::Dir(dir.path().join("data"));
    (dir, location)
}

#[test]
fn anonymous_votes_count_every_time() {
    let store = Store::in_memory(FP).unwrap();
    for _ in 0..3 {
        store
            .vote(7, "en", Voter::Anonymous, Vote::Helpful, 0)
            .unwrap();
    }
    store
        .vote(7, "en", Voter::Anonymous, Vote::NotHelpful, 0)
        .unwrap();
    let t = store.tally(7, "en").unwrap();
    assert_eq!((t.up, t.down), (3, 1));
    assert!(t.users_up.is_empty());
}

#[test]
fn a_users_vote_counts_once_and_moves_on_the_opposite_vote() {
    let store = Store::in_memory(FP).unwrap();
    let user = Voter::User(1001);
    store.vote(7, "en", user, Vote::Helpful, 0).unwrap();
    store.vote(7, "en", user, Vote::Helpful, 1).unwrap();
    assert_eq!(store.tally(7, "en").unwrap().up, 1);
    store.vote(7, "en", user, Vote::NotHelpful, 2).unwrap();
    let t = store.tally(7, "en").unwrap();
    assert_eq!((t.up, t.down, t.users_down.clone()), (0, 1, vec![1001]));
    // Another translation is another vote.
    store.vote(7, "fr", user, Vote::Helpful, 3).unwrap();
    assert_eq!(store.tally(7, "fr").unwrap().users_up, vec![1001]);
    assert_eq!(store.votes_of(1001).unwrap().len(), 2);
}

#[test]
fn hits_accumulate_per_article() {
    let store = Store::in_memory(FP).unwrap();
    store.add_hit(1).unwrap();
    assert_eq!(store.add_hit(1).unwrap(), 2);
    store.add_hit(2).unwrap();
    let hits = store.hits().unwrap();
    assert_eq!((hits[&1], hits[&2]), (2, 1));
}

#[test]
fn an_in_memory_store_makes_its_schema_on_first_use() {
    let store = Store::in_memory(FP).unwrap();
    assert!(store.overlay().unwrap().contacts.is_empty());
    assert!(store.is_untouched());
    assert_eq!(store.add_hit(7).unwrap(), 1);
    assert!(!store.is_untouched());
    let meta: String = store
        .conn()
        .unwrap()
        .query_row(
            "SELECT value FROM meta WHERE key = 'fixtures_fingerprint'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(meta, FP);
}

#[test]
fn tickets_claim_only_drafts_of_their_widget_and_client() {
    let store = Store::in_memory(FP).unwrap();
    let (d, content) = draft(5, "client-a", b"hello");
    let a = store.add_attachment(&d, &mut content.as_slice()).unwrap();
    let outcome = store
        .create_ticket(ticket(5, "client-b", vec![a.id]), None)
        .unwrap();
    assert_eq!(outcome, TicketOutcome::NoSuchAttachments(vec![a.id]));
    let outcome = store
        .create_ticket(ticket(6, "client-a", vec![a.id]), None)
        .unwrap();
    assert_eq!(outcome, TicketOutcome::NoSuchAttachments(vec![a.id]));
    let TicketOutcome::Created(t) = store
        .create_ticket(ticket(5, "client-a", vec![a.id]), None)
        .unwrap()
    else {
        panic!("ticket refused")
    };
    assert_eq!(t.id, 1);
    // No longer a draft: a second ticket cannot claim it.
    let outcome = store
        .create_ticket(ticket(5, "client-a", vec![a.id]), None)
        .unwrap();
    assert_eq!(outcome, TicketOutcome::NoSuchAttachments(vec![a.id]));
    assert_eq!(store.attachment_content(a.id).unwrap().unwrap(), b"hello");
    assert_eq!(store.attachments().unwrap()[0].ticket_id, Some(1));
}

#[test]
fn ticket_numbers_increase_and_filter_by_email() {
    let store = Store::in_memory(FP).unwrap();
    let contact = ContactRecord {
        id: 90_000_001,
        name: "new".into(),
        email: "new@example.com".into(),
        created_by: "ticket".into(),
        created_at: 0,
    };
    let mut t = ticket(5, "c", vec![]);
    t.email = "NEW@example.com".into();
    store.create_ticket(t, Some(&contact)).unwrap();
    store.create_ticket(ticket(5, "c", vec![]), None).unwrap();
    let all = store.tickets(None).unwrap();
    assert_eq!(all.iter().map(|t| t.id).collect::<Vec<_>>(), vec![1, 2]);
    assert_eq!(store.tickets(Some("new@example.com")).unwrap().len(), 1);
    assert_eq!(store.contacts().unwrap(), vec![contact]);
}

#[test]
fn clear_forgets_everything_and_restarts_numbering() {
    let store = Store::in_memory(FP).unwrap();
    store.create_ticket(ticket(5, "c", vec![]), None).unwrap();
    store.add_hit(1).unwrap();
    store.set_name(1001, "N", 0).unwrap();
    store.clear("fixtures-b").unwrap();
    assert!(store.tickets(None).unwrap().is_empty());
    assert!(store.hits().unwrap().is_empty());
    assert!(store.overlay().unwrap().names.is_empty());
    let TicketOutcome::Created(t) = store.create_ticket(ticket(5, "c", vec![]), None).unwrap()
    else {
        panic!("ticket refused")
    };
    assert_eq!(t.id, 1);
}

#[test]
fn a_data_directory_keeps_everything_across_reopening() {
    let (_tmp, location) = dir_with_db();
    {
        let store = Store::open(location.clone(), FP).unwrap();
        store.add_hit(3).unwrap();
        store.set_name(1001, "Renamed", 5).unwrap();
        store
            .rotate_secret(&SecretChange {
                secret: "b".repeat(32),
                replaced: "a".repeat(32),
                replaced_at: 9,
            })
            .unwrap();
        store.create_ticket(ticket(5, "c", vec![]), None).unwrap();
    }
    let store = Store::open(location, FP).unwrap();
    assert_eq!(store.hits().unwrap()[&3], 1);
    let overlay = store.overlay().unwrap();
    assert_eq!(overlay.names, vec![(1001, "Renamed".to_owned())]);
    assert_eq!(overlay.secrets[0].secret, "b".repeat(32));
    assert_eq!(store.tickets(None).unwrap().len(), 1);
}

#[test]
fn a_schema_1_database_is_brought_up_to_date_and_keeps_its_data() {
    let (_tmp, location) = dir_with_db();
    let Location::Dir(dir) = &location else {
        unreachable!()
    };
    std::fs::create_dir_all(dir).unwrap();
    {
        // What freshmock 0.x (schema 1) made.
        let conn = Connection::open(dir.join(FILE_NAME)).unwrap();
        conn.pragma_update(None, "application_id", APPLICATION_ID)
            .unwrap();
        conn.pragma_update(None, "user_version", 1).unwrap();
        conn.execute_batch(SCHEMA).unwrap();
        conn.execute(
            "INSERT INTO meta (key, value) VALUES ('schema_version', '1'), ('fixtures_fingerprint', ?1)",
            [FP],
        )
        .unwrap();
        conn.execute("INSERT INTO hits (article_id, count) VALUES (3, 4)", [])
            .unwrap();
    }
    let store = Store::open(location.clone(), FP).unwrap();
    assert_eq!(store.hits().unwrap()[&3], 4);
    let record = Record {
        kind: RecordKind::Article,
        id: 9,
        doc: None,
    };
    store.put_records(std::slice::from_ref(&record)).unwrap();
    drop(store);
    let store = Store::open(location, FP).unwrap();
    assert_eq!(store.records().unwrap(), vec![record]);
}

#[test]
fn a_record_written_again_moves_to_the_end() {
    let store = Store::in_memory(FP).unwrap();
    let record = |id, doc: Option<Value>| Record {
        kind: RecordKind::Folder,
        id,
        doc,
    };
    store
        .put_records(&[
            record(1, Some(serde_json::json!({"a": 1}))),
            record(2, None),
        ])
        .unwrap();
    store.put_records(&[record(1, None)]).unwrap();
    assert_eq!(
        store.records().unwrap(),
        vec![record(2, None), record(1, None)]
    );
}

#[test]
fn a_database_made_with_other_fixtures_is_refused() {
    let (_tmp, location) = dir_with_db();
    drop(Store::open(location.clone(), FP).unwrap());
    let err = Store::open(location, "fixtures-b").unwrap_err();
    assert!(matches!(err, StoreError::OtherFixtures { .. }), "{err}");
    assert!(err.to_string().contains(FILE_NAME), "{err}");
}

#[test]
fn a_file_that_is_not_a_database_is_refused_and_left_alone() {
    let (_tmp, location) = dir_with_db();
    let Location::Dir(dir) = &location else {
        unreachable!()
    };
    std::fs::create_dir_all(dir).unwrap();
    let junk = vec![b'x'; 8192];
    std::fs::write(dir.join(FILE_NAME), &junk).unwrap();
    let err = Store::open(location.clone(), FP).unwrap_err();
    assert!(matches!(err, StoreError::Foreign { .. }), "{err}");
    assert_eq!(std::fs::read(dir.join(FILE_NAME)).unwrap(), junk);
}

#[test]
fn another_programs_database_is_refused() {
    let (_tmp, location) = dir_with_db();
    let Location::Dir(dir) = &location else {
        unreachable!()
    };
    std::fs::create_dir_all(dir).unwrap();
    let other = Connection::open(dir.join(FILE_NAME)).unwrap();
    other.execute_batch("CREATE TABLE notes (x TEXT)").unwrap();
    drop(other);
    let before = std::fs::read(dir.join(FILE_NAME)).unwrap();
    let err = Store::open(location.clone(), FP).unwrap_err();
    assert!(matches!(err, StoreError::Foreign { .. }), "{err}");
    // Not even switched to write-ahead logging (header bytes 18 and 19 stay 1).
    let after = std::fs::read(dir.join(FILE_NAME)).unwrap();
    assert_eq!(after[18..20], [1, 1]);
    assert!(before == after, "the other program's database changed");
    assert!(!dir.join(format!("{FILE_NAME}-wal")).exists());
}

/// The data directory's file, for tests that damage it.
fn file_of(location: &Location) -> PathBuf {
    let Location::Dir(dir) = location else {
        unreachable!()
    };
    dir.join(FILE_NAME)
}

/// Makes a store with one ticket, changes the file with `damage` (SQL), and opens it again.
fn reopen_after(damage: &str) -> (tempfile::TempDir, PathBuf, Vec<u8>, StoreError) {
    let (tmp, location) = dir_with_db();
    let store = Store::open(location.clone(), FP).unwrap();
    store.create_ticket(ticket(5, "c", vec![]), None).unwrap();
    drop(store);
    let file = file_of(&location);
    let other = Connection::open(&file).unwrap();
    other.execute_batch(damage).unwrap();
    drop(other);
    let before = std::fs::read(&file).unwrap();
    let err = Store::open(location, FP).unwrap_err();
    assert_eq!(
        std::fs::read(&file).unwrap(),
        before,
        "{damage} then opening changed the file"
    );
    (tmp, file, before, err)
}

#[test]
fn a_dropped_table_is_refused_at_start_naming_the_file_and_the_table() {
    let (_tmp, file, _, err) = reopen_after("DROP TABLE hits");
    assert!(matches!(err, StoreError::Damaged { .. }), "{err}");
    let message = err.to_string();
    assert!(message.contains(file.to_str().unwrap()), "{message}");
    assert!(message.contains("table hits is missing"), "{message}");
    assert!(message.contains("move it aside"), "{message}");
}

#[test]
fn a_missing_column_is_refused_at_start() {
    let (_tmp, _, _, err) = reopen_after("ALTER TABLE contacts DROP COLUMN created_by");
    assert!(
        err.to_string()
            .contains("table contacts has no column created_by TEXT"),
        "{err}"
    );
}

#[test]
fn a_ticket_row_that_is_not_json_is_refused_at_start_naming_the_row() {
    let (_tmp, file, _, err) = reopen_after("UPDATE tickets SET doc = '{not json'");
    assert!(matches!(err, StoreError::Damaged { .. }), "{err}");
    let message = err.to_string();
    assert!(message.contains(file.to_str().unwrap()), "{message}");
    assert!(message.contains("ticket 1's doc column"), "{message}");
}

#[test]
fn a_ticket_document_that_is_not_a_ticket_names_the_file_and_row_when_read() {
    let (_tmp, location) = dir_with_db();
    drop(Store::open(location.clone(), FP).unwrap());
    let other = Connection::open(file_of(&location)).unwrap();
    other
        .execute_batch(
            "INSERT INTO tickets (id, requester_id, email, created_at, doc)
             VALUES (7, 1, 'a@example.com', 0, '{\"id\": 7}')",
        )
        .unwrap();
    drop(other);
    let store = Store::open(location.clone(), FP).unwrap();
    let err = store.tickets(None).unwrap_err();
    let message = err.to_string();
    assert!(matches!(err, StoreError::Record { .. }), "{message}");
    assert!(
        message.contains(file_of(&location).to_str().unwrap()),
        "{message}"
    );
    assert!(message.contains("ticket 7"), "{message}");
}

#[test]
fn a_row_of_the_wrong_type_names_the_file_and_table() {
    let (_tmp, location) = dir_with_db();
    let store = Store::open(location.clone(), FP).unwrap();
    store.add_hit(3).unwrap();
    store
        .conn()
        .unwrap()
        .execute_batch("UPDATE hits SET count = 'many'")
        .unwrap();
    let message = store.hits().unwrap_err().to_string();
    assert!(message.contains("a row of hits"), "{message}");
    assert!(
        message.contains(file_of(&location).to_str().unwrap()),
        "{message}"
    );
}

#[test]
fn a_database_killed_before_its_first_checkpoint_still_opens() {
    let (tmp, location) = dir_with_db();
    let store = Store::open(location.clone(), FP).unwrap();
    store.add_hit(3).unwrap();
    // A copy taken while the server runs is what a SIGKILL leaves: the id and schema
    // are in the write-ahead log, the file's header does not have them yet.
    let copy = tmp.path().join("copy");
    std::fs::create_dir_all(&copy).unwrap();
    for suffix in ["", "-wal"] {
        let name = format!("{FILE_NAME}{suffix}");
        std::fs::copy(file_of(&location).with_file_name(&name), copy.join(&name)).unwrap();
    }
    let header = std::fs::read(copy.join(FILE_NAME)).unwrap();
    assert_eq!(
        header[68..72],
        [0, 0, 0, 0],
        "the header already has the id"
    );
    let reopened = Store::open(Location::Dir(copy), FP).unwrap();
    assert_eq!(reopened.hits().unwrap()[&3], 1);
}

#[test]
fn a_full_disk_is_a_fault_naming_the_file() {
    let (_tmp, location) = dir_with_db();
    let store = Store::open(location.clone(), FP).unwrap();
    store.add_hit(1).unwrap();
    // SQLite's own limit on the file's pages answers SQLITE_FULL as a full disk does.
    {
        let conn = store.conn().unwrap();
        let pages: i64 = conn
            .pragma_query_value(None, "page_count", |r| r.get(0))
            .unwrap();
        conn.pragma_update(None, "max_page_count", pages).unwrap();
    }
    let (d, content) = draft(5, "c", &[7u8; 64 * 1024]);
    let err = store
        .add_attachment(&d, &mut content.as_slice())
        .unwrap_err();
    assert!(err.is_disk_full(), "{err:?}");
    let message = err.to_string();
    let file = file_of(&location);
    assert!(
        message.starts_with(&format!("disk full writing {}", file.display())),
        "{message}"
    );
    assert!(message.contains("SQLITE_FULL"), "{message}");
}

/// What SQLite answers when the disk fills while the start makes the schema (the
/// integration suite meets this path through a file-size limit, which SQLite reports as
/// a refused write).
#[test]
fn a_full_disk_at_start_names_the_file() {
    let path = Path::new("/data/freshmock.sqlite");
    let full = rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(13), None);
    let err = classify(path, full);
    assert!(err.is_disk_full());
    assert!(
        err.to_string()
            .starts_with("disk full writing /data/freshmock.sqlite: free some space"),
        "{err}"
    );
    let refused = rusqlite::Error::SqliteFailure(rusqlite::ffi::Error::new(778), None);
    let message = classify(path, refused).to_string();
    assert!(
        message.starts_with("disk I/O error writing /data/freshmock.sqlite"),
        "{message}"
    );
    assert!(message.contains("SQLITE_IOERR_WRITE (778)"), "{message}");
}

#[test]
fn a_read_only_database_says_so_and_names_the_file() {
    let (_tmp, location) = dir_with_db();
    let store = Store::open(location.clone(), FP).unwrap();
    // What a file that cannot be written answers (chmod does not stop root).
    store
        .conn()
        .unwrap()
        .pragma_update(None, "query_only", true)
        .unwrap();
    let err = store.add_hit(1).unwrap_err();
    let message = err.to_string();
    assert!(!err.is_disk_full());
    assert!(
        message.starts_with(&format!(
            "cannot write {}: it is read-only",
            file_of(&location).display()
        )),
        "{message}"
    );
}

#[test]
fn a_second_server_on_the_same_directory_is_refused() {
    let (_tmp, location) = dir_with_db();
    let first = Store::open(location.clone(), FP).unwrap();
    first.add_hit(1).unwrap();
    let err = Store::open(location, FP).unwrap_err();
    assert!(matches!(err, StoreError::Busy { .. }), "{err}");
}
