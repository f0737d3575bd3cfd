//! The seed data of the Core API mock (`fixtures/data/*.json`, or `serve --data DIR`):
//! groups, roles, people, credential profiles, requests and devices, and the mutable
//! copy each mock works on.

use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;
use serde_json::{Map, Value};

/// A group of the group tree.
#[derive(Debug, Clone, Deserialize)]
#[allow(missing_docs)]
pub struct Group {
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub desc: String,
    #[serde(default)]
    pub ou: String,
    #[serde(default, rename = "parentName")]
    pub parent_name: String,
}

/// A role: the permissions it grants (MyID's workflow names).
#[derive(Debug, Clone, Deserialize)]
#[allow(missing_docs)]
pub struct Role {
    pub id: String,
    #[serde(default)]
    pub desc: String,
    #[serde(default)]
    pub permissions: Vec<String>,
}

/// Everything the API starts from.
#[derive(Debug, Clone)]
pub struct SeedData {
    /// The group tree.
    pub groups: Vec<Group>,
    /// Roles.
    pub roles: Vec<Role>,
    /// People, as MyID's JSON.
    pub people: Vec<Map<String, Value>>,
    /// Credential profiles with their constraints.
    pub cred_profiles: Vec<Map<String, Value>>,
    /// Requests.
    pub requests: Vec<Map<String, Value>>,
    /// Devices.
    pub devices: Vec<Map<String, Value>>,
    /// Directories. `password` is the configured credential; `serverPassword` is what
    /// the directory server itself accepts, so tests of new credentials can fail.
    pub dirs: Vec<Map<String, Value>>,
}

/// Why seed data could not be loaded.
#[derive(Debug, thiserror::Error)]
#[error("seed data {file}: {message}")]
pub struct DataError {
    file: String,
    message: String,
}

const FILES: [(&str, &str); 7] = [
    (
        "groups.json",
        include_str!("../../../../../fixtures/data/groups.json"),
    ),
    (
        "roles.json",
        include_str!("../../../../../fixtures/data/roles.json"),
    ),
    (
        "people.json",
        include_str!("../../../../../fixtures/data/people.json"),
    ),
    (
        "credprofiles.json",
        include_str!("../../../../../fixtures/data/credprofiles.json"),
    ),
    (
        "requests.json",
        include_str!("../../../../../fixtures/data/requests.json"),
    ),
    (
        "devices.json",
        include_str!("../../../../../fixtures/data/devices.json"),
    ),
    (
        "dirs.json",
        include_str!("../../../../../fixtures/data/dirs.json"),
    ),
];

fn parse<T: for<'de> Deserialize<'de>>(file: &str, text: &str) -> Result<T, DataError> {
    serde_json::from_str(text).map_err(|e| DataError {
        file: file.to_owned(),
        message: e.to_string(),
    })
}

impl SeedData {
    /// The shipped data.
    pub fn shipped() -> Self {
        Self::from_texts(|name| {
            FILES
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, t)| (*t).to_owned())
        })
        .expect("the shipped fixtures/data is valid (checked by a unit test)")
    }

    /// Data from a directory holding the seven files; a missing file falls back to the
    /// shipped one.
    pub fn from_dir(dir: &Path) -> Result<Self, DataError> {
        if !dir.is_dir() {
            return Err(DataError {
                file: dir.display().to_string(),
                message: "is not a directory".into(),
            });
        }
        Self::from_texts(|name| {
            std::fs::read_to_string(dir.join(name)).ok().or_else(|| {
                FILES
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, t)| (*t).to_owned())
            })
        })
    }

    fn from_texts(read: impl Fn(&str) -> Option<String>) -> Result<Self, DataError> {
        let get = |name: &str| {
            read(name).ok_or_else(|| DataError {
                file: name.to_owned(),
                message: "missing".into(),
            })
        };
        let data = SeedData {
            groups: parse("groups.json", &get("groups.json")?)?,
            roles: parse("roles.json", &get("roles.json")?)?,
            people: parse("people.json", &get("people.json")?)?,
            cred_profiles: parse("credprofiles.json", &get("credprofiles.json")?)?,
            requests: parse("requests.json", &get("requests.json")?)?,
            devices: parse("devices.json", &get("devices.json")?)?,
            dirs: parse("dirs.json", &get("dirs.json")?)?,
        };
        for p in &data.people {
            if p.get("id").and_then(Value::as_str).is_none() {
                return Err(DataError {
                    file: "people.json".into(),
                    message: "every person needs an id".into(),
                });
            }
        }
        Ok(data)
    }

    /// This data with some of its files replaced by `files` (name, text): the same
    /// names and checks as [`Self::from_dir`].
    pub fn with_files(mut self, files: &[(String, String)]) -> Result<Self, DataError> {
        for (name, text) in files {
            match name.as_str() {
                "groups.json" => self.groups = parse(name, text)?,
                "roles.json" => self.roles = parse(name, text)?,
                "people.json" => {
                    self.people = Vec::new();
                    for p in parse::<Vec<Map<String, Value>>>(name, text)? {
                        self.add_person(p)?;
                    }
                }
                "credprofiles.json" => self.cred_profiles = parse(name, text)?,
                "requests.json" => self.requests = parse(name, text)?,
                "devices.json" => self.devices = parse(name, text)?,
                "dirs.json" => self.dirs = parse(name, text)?,
                other => {
                    return Err(DataError {
                        file: other.to_owned(),
                        message: format!(
                            "is not a seed-data file (one of: {})",
                            FILES.map(|(n, _)| n).join(", ")
                        ),
                    });
                }
            }
        }
        Ok(self)
    }

    /// Adds a person, who needs an `id` no one else has (ids compare without case).
    pub fn add_person(&mut self, person: Map<String, Value>) -> Result<(), DataError> {
        let refuse = |message: String| DataError {
            file: "people.json".into(),
            message,
        };
        let id = person
            .get("id")
            .and_then(Value::as_str)
            .ok_or_else(|| refuse("every person needs an id".into()))?;
        if self.people.iter().any(|p| {
            p.get("id")
                .and_then(Value::as_str)
                .is_some_and(|o| o.eq_ignore_ascii_case(id))
        }) {
            return Err(refuse(format!("two people have the id {id}")));
        }
        self.people.push(person);
        Ok(())
    }

    /// The ids of `group` and every group below it.
    pub fn division(&self, group_id: &str) -> Vec<String> {
        let mut out = vec![group_id.to_uppercase()];
        let mut i = 0;
        while i < out.len() {
            let name = self
                .groups
                .iter()
                .find(|g| g.id.eq_ignore_ascii_case(&out[i]))
                .map(|g| g.name.clone());
            if let Some(name) = name {
                out.extend(
                    self.groups
                        .iter()
                        .filter(|g| g.parent_name == name)
                        .map(|g| g.id.to_uppercase()),
                );
            }
            i += 1;
        }
        out
    }
}

/// The longest `CLIENT_IDENTIFIER` value the audit keeps, in characters; longer ones
/// are cut. Assumed: the manual does not give the width of the audit's column.
pub const MAX_CLIENT_IDENTIFIER: usize = 256;

/// The longest operation (`METHOD /path`) the audit keeps, in characters. Assumed, as
/// for [`MAX_CLIENT_IDENTIFIER`]: paths can be as long as the request line allows.
pub const MAX_OPERATION: usize = 512;

/// `text` cut to at most `max` characters, on a character boundary.
pub fn cut(text: &str, max: usize) -> &str {
    match text.char_indices().nth(max) {
        Some((end, _)) => &text[..end],
        None => text,
    }
}

/// The audit trail (report 290015): the newest `window` calls, each with an id that
/// stays its own as older rows are dropped.
#[derive(Debug)]
pub struct Audit {
    entries: std::collections::VecDeque<(u64, AuditEntry)>,
    next_id: u64,
    window: usize,
    // Neighbouring rows whose times go backwards (the mock's clock was set back). While
    // there are none, rows in id order are in time order too, and a page ordered by
    // time is found without sorting the window.
    inversions: usize,
}

impl Audit {
    /// An empty trail that keeps at most `window` rows.
    pub fn new(window: usize) -> Self {
        Audit {
            entries: std::collections::VecDeque::new(),
            next_id: 1,
            window,
            inversions: 0,
        }
    }

    /// Records a call, dropping the oldest row when the window is full. Long values are
    /// cut and copied, so a row holds only what it keeps.
    pub fn push(&mut self, mut entry: AuditEntry) {
        for (value, max) in [
            (&mut entry.client_identifier, MAX_CLIENT_IDENTIFIER),
            (&mut entry.operation, MAX_OPERATION),
        ] {
            if value.len() > max {
                *value = cut(value, max).to_owned();
            }
        }
        if self.window == 0 {
            return;
        }
        while self.entries.len() >= self.window {
            if let Some((_, gone)) = self.entries.pop_front()
                && self
                    .entries
                    .front()
                    .is_some_and(|(_, e)| e.time < gone.time)
            {
                self.inversions -= 1;
            }
        }
        if self
            .entries
            .back()
            .is_some_and(|(_, e)| entry.time < e.time)
        {
            self.inversions += 1;
        }
        self.entries.push_back((self.next_id, entry));
        self.next_id += 1;
    }

    /// Indexes of one page of rows ordered by time (ties by id, ascending): `count`
    /// rows after skipping `start`. Found by binary search over runs of equal times,
    /// so its cost follows the page and the number of distinct times skipped, not the
    /// audit's length. `None` when the clock was set back and rows are out of time order.
    pub fn page_by_time(&self, descending: bool, start: usize, count: usize) -> Option<Vec<usize>> {
        if self.inversions > 0 {
            return None;
        }
        if !descending {
            return Some((start..self.entries.len()).take(count).collect());
        }
        let mut page = Vec::with_capacity(count);
        let (mut end, mut skip) = (self.entries.len(), start);
        while end > 0 && page.len() < count {
            let time = self.entries[end - 1].1.time;
            // Rows at and after `end` are no earlier than `time`: the whole trail may be searched.
            let run = self.entries.partition_point(|(_, e)| e.time < time);
            let len = end - run;
            if skip >= len {
                skip -= len;
            } else {
                page.extend((run + skip..end).take(count - page.len()));
                skip = 0;
            }
            end = run;
        }
        Some(page)
    }

    /// The rows kept, oldest first, with their ids.
    pub fn iter(&self) -> impl Iterator<Item = (u64, &AuditEntry)> {
        self.entries.iter().map(|(id, e)| (*id, e))
    }

    /// The `i`-th row kept, oldest first, with its id.
    pub fn get(&self, i: usize) -> Option<(u64, &AuditEntry)> {
        self.entries.get(i).map(|(id, e)| (*id, e))
    }

    /// How many rows are kept.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no row is kept.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// One audited API call (report 290015).
#[derive(Debug, Clone)]
pub struct AuditEntry {
    /// Unix time.
    pub time: i64,
    /// `METHOD /path`.
    pub operation: String,
    /// The operator's logon name.
    pub operator: String,
    /// The `CLIENT_IDENTIFIER` header, when sent.
    pub client_identifier: String,
    /// The response status.
    pub status: u16,
}

/// A stored image.
#[derive(Debug, Clone)]
pub struct Image {
    /// MIME type.
    pub mimetype: String,
    /// Bytes.
    pub data: Vec<u8>,
}

/// The API's mutable state for one mock.
#[derive(Debug)]
pub struct ApiStore {
    /// People, indexed by id and by logon name (both lower-cased), so that adding or
    /// finding one does not scan them all.
    people: Vec<Map<String, Value>>,
    by_id: HashMap<String, usize>,
    by_logon: HashMap<String, usize>,
    /// Requests.
    pub requests: Vec<Map<String, Value>>,
    /// Images by (person id, field).
    pub images: HashMap<(String, String), Image>,
    /// Directories.
    pub dirs: Vec<Map<String, Value>>,
    /// Audit trail.
    pub audit: Audit,
}

impl ApiStore {
    /// A fresh copy of the seed data, with an audit that keeps `audit_window` rows.
    pub fn new(seed: &SeedData, audit_window: usize) -> Self {
        let mut store = ApiStore {
            people: Vec::new(),
            by_id: HashMap::new(),
            by_logon: HashMap::new(),
            requests: seed.requests.clone(),
            images: HashMap::new(),
            dirs: seed.dirs.clone(),
            audit: Audit::new(audit_window),
        };
        for person in &seed.people {
            store.add_person(person.clone());
        }
        store
    }

    /// Every person, in the order they were added.
    pub fn people(&self) -> &[Map<String, Value>] {
        &self.people
    }

    /// The person with `id` (any case).
    pub fn person(&self, id: &str) -> Option<&Map<String, Value>> {
        self.by_id
            .get(&id.to_lowercase())
            .and_then(|i| self.people.get(*i))
    }

    /// The person with this logon name (any case).
    pub fn person_by_logon(&self, logon: &str) -> Option<&Map<String, Value>> {
        self.by_logon
            .get(&logon.to_lowercase())
            .and_then(|i| self.people.get(*i))
    }

    /// Adds a person.
    pub fn add_person(&mut self, person: Map<String, Value>) {
        let i = self.people.len();
        self.by_id.entry(key(&person, "id")).or_insert(i);
        self.by_logon.entry(key(&person, "logonName")).or_insert(i);
        self.people.push(person);
    }

    /// Replaces the person with `id` (its logon name may change).
    pub fn replace_person(&mut self, id: &str, person: Map<String, Value>) {
        let Some(&i) = self.by_id.get(&id.to_lowercase()) else {
            return;
        };
        let old = key(&self.people[i], "logonName");
        if self.by_logon.get(&old) == Some(&i) {
            self.by_logon.remove(&old);
        }
        self.by_logon.entry(key(&person, "logonName")).or_insert(i);
        self.people[i] = person;
    }
}

/// A person's member as an index key: lower-cased.
fn key(person: &Map<String, Value>, member: &str) -> String {
    person
        .get(member)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn people_are_found_by_id_and_logon_name_as_they_change() {
        let mut store = ApiStore::new(&SeedData::shipped(), 10);
        let person = |id: &str, logon: &str| {
            serde_json::json!({"id": id, "logonName": logon})
                .as_object()
                .cloned()
                .unwrap()
        };
        store.add_person(person("AAAA-1", "Jo.Smith"));
        assert!(store.person("aaaa-1").is_some());
        assert!(store.person_by_logon("jo.smith").is_some());
        store.replace_person("AAAA-1", person("AAAA-1", "jo.jones"));
        assert!(store.person_by_logon("jo.smith").is_none());
        assert_eq!(
            store.person_by_logon("JO.JONES").and_then(|p| p.get("id")),
            Some(&serde_json::json!("AAAA-1"))
        );
        let before = store.people().len();
        store.replace_person("no-such-person", person("x", "y"));
        assert_eq!(store.people().len(), before);
    }

    #[test]
    fn shipped_data_loads_and_the_tree_is_connected() {
        let d = SeedData::shipped();
        let enterprise = d.groups.iter().find(|g| g.name == "Enterprise").unwrap();
        let division = d.division(&enterprise.id);
        assert!(division.len() >= 4, "{division:?}");
        for g in &d.groups {
            assert!(
                g.parent_name.is_empty() || d.groups.iter().any(|p| p.name == g.parent_name),
                "{} has no parent",
                g.name
            );
        }
        for p in &d.people {
            let group = p["group"]["id"].as_str().unwrap();
            assert!(d.groups.iter().any(|g| g.id == group));
            for r in p["roles"].as_array().unwrap() {
                assert!(
                    d.roles.iter().any(|role| role.id == r["id"]),
                    "unknown role {r}"
                );
            }
        }
    }
}

/// Unix seconds as `YYYY-MM-DDTHH:MM:SS` (UTC), the form MyID reports use.
pub fn iso8601(unix: i64) -> String {
    let days = unix.div_euclid(86_400);
    let secs = unix.rem_euclid(86_400);
    // Howard Hinnant's civil_from_days.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}",
        secs / 3_600,
        secs % 3_600 / 60,
        secs % 60
    )
}

#[cfg(test)]
mod time_tests {
    #[test]
    fn iso_dates() {
        assert_eq!(super::iso8601(0), "1970-01-01T00:00:00");
        assert_eq!(super::iso8601(1_640_033_722), "2021-12-20T20:55:22");
        assert_eq!(super::iso8601(951_782_400), "2000-02-29T00:00:00");
    }
}

#[cfg(test)]
mod audit_tests {
    use super::*;
    use proptest::prelude::*;

    fn entry(time: i64) -> AuditEntry {
        AuditEntry {
            time,
            operation: "GET /api/Groups".into(),
            operator: "x".into(),
            client_identifier: String::new(),
            status: 200,
        }
    }

    proptest! {
        /// A page found by time without sorting is the page a full sort gives, and the
        /// shortcut is declined exactly when some neighbours run backwards in time.
        #[test]
        fn page_by_time_is_the_sorted_page(
            steps in proptest::collection::vec(-2i64..4, 0..80),
            window in 1usize..40,
            start in 0usize..50,
            descending: bool,
        ) {
            let mut audit = Audit::new(window);
            let mut time = 1_000;
            for step in steps {
                time += step;
                audit.push(entry(time));
            }
            let rows: Vec<(u64, i64)> = audit.iter().map(|(id, e)| (id, e.time)).collect();
            let ordered_in_time = rows.windows(2).all(|w| w[0].1 <= w[1].1);
            let mut sorted: Vec<usize> = (0..rows.len()).collect();
            sorted.sort_by(|&a, &b| {
                let by_time = rows[a].1.cmp(&rows[b].1);
                let by_time = if descending { by_time.reverse() } else { by_time };
                by_time.then(rows[a].0.cmp(&rows[b].0))
            });
            let expected: Vec<usize> = sorted.into_iter().skip(start).take(10).collect();
            match audit.page_by_time(descending, start, 10) {
                Some(page) => {
                    prop_assert!(ordered_in_time);
                    prop_assert_eq!(page, expected);
                }
                None => prop_assert!(!ordered_in_time),
            }
        }
    }

    #[test]
    fn long_values_are_cut_and_hold_only_what_is_kept() {
        let mut audit = Audit::new(2);
        let mut e = entry(1);
        e.client_identifier = "é".repeat(10_000);
        e.operation = format!("GET /{}", "a".repeat(10_000));
        audit.push(e);
        let (_, kept) = audit.get(0).unwrap();
        assert_eq!(
            kept.client_identifier.chars().count(),
            MAX_CLIENT_IDENTIFIER
        );
        assert!(kept.client_identifier.capacity() <= 2 * MAX_CLIENT_IDENTIFIER);
        assert_eq!(kept.operation.chars().count(), MAX_OPERATION);
    }
}
