//! Steps that walk paged reports and judge the pages (MyID manual §8.14).

use cucumber::then;
use cucumber::when;
use serde_json::Value;

use super::api::{Credential, call};
use super::expand;
use crate::harness::checks::api::{self as checks, Page};
use crate::harness::world::{ConformanceWorld, StepFailure, StepResult};

#[when(regex = r#"^the client walks every page of report "(\d+)" ordered by "([^"]+)"$"#)]
async fn walk(world: &mut ConformanceWorld, report: String, order_by: String) -> StepResult {
    let mut pages = Vec::new();
    let mut next = Some(format!("reports/{report}?page=1&order_by={order_by}"));
    // A report whose nextPage links never end is walked for 500 pages and judged: its
    // last page walked still links on, which the paging checks find broken.
    while let Some(href) = next.take() {
        if pages.len() >= 500 {
            break;
        }
        call(
            world,
            "GET",
            &format!("/api/{href}"),
            Credential::Newest,
            None,
        )
        .await?;
        let r = world.last_response()?.clone();
        let body = r
            .json()
            .filter(|_| r.status == 200)
            .ok_or_else(|| format!("page {} answered {}", pages.len() + 1, r.status))?;
        let rows = body
            .get("results")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let link = body
            .get("links")
            .and_then(Value::as_array)
            .and_then(|l| {
                l.iter()
                    .find(|x| x.get("op").and_then(Value::as_str) == Some("nextPage"))
            })
            .and_then(|l| l.get("href").and_then(Value::as_str).map(str::to_owned));
        next = link.clone();
        pages.push(Page {
            number: pages.len() + 1,
            rows,
            next: link,
        });
    }
    world.flow.walks.push(pages);
    Ok(())
}

fn last_walk(world: &ConformanceWorld) -> Result<Vec<Page>, StepFailure> {
    world
        .flow
        .walks
        .last()
        .cloned()
        .ok_or_else(|| "no report has been walked".into())
}

#[then(
    regex = r#"^the pages (must|should) hold every row once, by "([A-Za-z]+)", in "([^"]+)" order, linked page to page$"#
)]
fn pages_consistent(
    world: &mut ConformanceWorld,
    word: String,
    key: String,
    order_by: String,
) -> StepResult {
    let pages = last_walk(world)?;
    let report = world
        .last_exchange()?
        .request
        .url
        .split("/reports/")
        .nth(1)
        .and_then(|r| r.split('?').next())
        .unwrap_or("")
        .to_owned();
    world.judge(
        &word,
        [
            checks::paging_no_duplicates(&pages, &key),
            checks::paging_ordered(&pages, &order_by),
            checks::paging_links(&pages, &report, &order_by),
        ],
    )
}

#[then(regex = r#"^the page after the last (must|should) be empty$"#)]
async fn past_the_end(world: &mut ConformanceWorld, word: String) -> StepResult {
    let pages = last_walk(world)?;
    let url = world.last_exchange()?.request.url.clone();
    let base = url.split("?page=").next().unwrap_or(&url).to_owned();
    let order = url.split("&order_by=").nth(1).unwrap_or("").to_owned();
    let path = format!("/api/{}", base.split("/api/").nth(1).unwrap_or(""));
    call(
        world,
        "GET",
        &format!("{path}?page={}&order_by={order}", pages.len() + 1),
        Credential::Newest,
        None,
    )
    .await?;
    let r = world.last_response()?.clone();
    world.judge(&word, [checks::paging_past_end(&r, pages.len() + 1)])
}

#[then(regex = r#"^the two walks (must|should) visit the same rows, by "([A-Za-z]+)"$"#)]
fn same_rows(world: &mut ConformanceWorld, word: String, key: String) -> StepResult {
    let walks = &world.flow.walks;
    let [.., a, b] = walks.as_slice() else {
        return Err("walk the report twice first".into());
    };
    let check = checks::paging_no_gaps(a, b, &key);
    world.judge(&word, [check])
}

#[then(regex = r#"^the walked rows (must|should) include one whose "([A-Za-z.]+)" is "([^"]*)"$"#)]
fn walked_rows_include(
    world: &mut ConformanceWorld,
    word: String,
    path: String,
    value: String,
) -> StepResult {
    let value = expand(world, &value)?;
    let pages = last_walk(world)?;
    let rule = world.rule()?;
    world.judge(
        &word,
        [checks::report_row_present(&pages, &path, &value, rule)],
    )
}
