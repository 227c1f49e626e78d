//! The board cycle: a meeting of the SEND Strategic Partnership Board with the
//! SEND action plan on its agenda, its highlight report drafted, commented and
//! published, frozen while the plan moves on, and the next meeting's report
//! showing what changed since.

use chrono::{Days, Utc};
use reqwest::Response;
use serde_json::{json, Value};
use waymark::auth::Role;

use crate::{demo::Demo, helpers::problem};

const SEND: &str = "SEND-LAIAP-2025";
const BOARD: &str = "SEND Strategic Partnership Board";

/// A meeting `days` from today whose papers close the day before, as MKCC plans it.
pub(crate) async fn meeting(demo: &Demo, days: u64) -> Value {
    let board = demo.body(BOARD).await;
    let date = Utc::now().date_naive() + Days::new(days);
    let mkcc = demo.app.client_as(Role::Editor, Some("MKCC"));
    let response = demo
        .app
        .post_as(
            &mkcc,
            &format!("/api/v1/governance-bodies/{}/meetings", board["id"].as_str().unwrap()),
            &json!({"title": format!("{BOARD}, {date}"), "date": date, "papers_cutoff": format!("{}T17:00:00Z", date - Days::new(1))}),
        )
        .await;
    assert_eq!(response.status(), 201);
    response.json().await.unwrap()
}

async fn body_of(response: Response) -> (Option<String>, Vec<u8>) {
    let tag = response
        .headers()
        .get("etag")
        .map(|v| v.to_str().unwrap().to_string());
    (tag, response.bytes().await.unwrap().to_vec())
}

/// Drafts, writes, comments on and publishes the SEND plan's report for `meeting`.
pub(crate) async fn publish_report(
    demo: &Demo,
    meeting: &Value,
    summary: &str,
) -> (Value, String, Vec<u8>) {
    let app = &demo.app;
    let mkcc = app.client_as(Role::Editor, Some("MKCC"));
    let plan = demo.plan_id(SEND).await;
    let drafted = app
        .post_as(
            &mkcc,
            &format!(
                "/api/v1/meetings/{}/highlight-reports",
                meeting["id"].as_str().unwrap()
            ),
            &json!({"plan_id": plan, "summary": summary}),
        )
        .await;
    assert_eq!(drafted.status(), 201);
    let draft: Value = drafted.json().await.unwrap();
    assert_eq!(draft["status"], "draft");
    let path = format!(
        "/api/v1/highlight-reports/{}",
        draft["id"].as_str().unwrap()
    );

    let written = app
        .patch(
            &path,
            &json!({"asks": "The board is asked to note progress."}),
        )
        .await;
    assert_eq!(written.status(), 200);
    let commented = app
        .post_as(
            &mkcc,
            &format!("{path}/comments"),
            &json!({"text": "Add October's figures."}),
        )
        .await;
    assert_eq!(commented.status(), 200);
    let commented: Value = commented.json().await.unwrap();
    assert_eq!(commented["comments"][0]["text"], "Add October's figures.");
    assert_eq!(commented["comments"][0]["by_organisation"], "MKCC");
    assert_eq!(
        commented["sections"]["asks"],
        "The board is asked to note progress."
    );

    let unconditional = app
        .post_as(&mkcc, &format!("{path}/publish"), &json!({}))
        .await;
    problem(unconditional, 428, "precondition_required").await;
    let tag = app.etag(&path).await.unwrap();
    let published = mkcc
        .post(app.url(&format!("{path}/publish")))
        .header("If-Match", tag)
        .send()
        .await
        .unwrap();
    assert_eq!(published.status(), 200);
    let (etag, bytes) = body_of(published).await;
    let etag = etag.unwrap();
    assert!(etag.starts_with("\"sha256-"), "{etag}");
    let report: Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(report["status"], "published");
    (report, etag, bytes)
}

#[tokio::test]
async fn a_published_report_stays_as_presented_and_the_next_shows_what_changed() {
    let demo = Demo::start().await;
    let app = &demo.app;
    let plan = demo.plan_id(SEND).await;

    // The agenda is the plans the board leads, unless given.
    let first = meeting(&demo, 10).await;
    let agenda: Vec<&str> = first["plan_ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    assert!(agenda.contains(&plan.as_str()), "{agenda:?}");
    let listed = demo
        .json(&format!("/api/v1/meetings?plan_id={}", plan.to_uppercase()))
        .await;
    assert_eq!(listed["items"][0]["id"], first["id"], "{listed}");
    for unlike in ["%", "not-a-plan", "\"", "_"] {
        let response = app
            .get(&format!(
                "/api/v1/meetings?plan_id={}",
                url::form_urlencoded::byte_serialize(unlike.as_bytes()).collect::<String>()
            ))
            .await;
        let body = problem(response, 400, "invalid_query").await;
        assert_eq!(body["errors"][0]["code"], "not_an_id", "plan_id={unlike}");
    }

    let (report, etag, bytes) = publish_report(&demo, &first, "Steady progress.").await;
    let path = format!(
        "/api/v1/highlight-reports/{}",
        report["id"].as_str().unwrap()
    );
    let content = &report["content"];
    assert_eq!(content["plan"]["ref"], SEND);
    assert_eq!(content["meeting"]["body"], BOARD);
    assert!(content["actions"]["total"].as_u64().unwrap() > 50);
    assert!(
        content.get("since_last").is_none(),
        "the plan's first report to the board"
    );
    assert_eq!(report["sections"]["summary"], "Steady progress.");
    let action = demo.action(SEND, "Afl3.3/7").await;
    let before = action["brag"].clone();
    assert_ne!(before, "red");

    // The plan moves on.
    let cnwl = app.client_as(Role::Contributor, Some("CNWL"));
    let reported = app
        .post_as(
            &cnwl,
            &format!(
                "/api/v1/actions/{}/status-updates",
                action["id"].as_str().unwrap()
            ),
            &json!({"brag": "red", "narrative": "Recruitment paused: waits rising."}),
        )
        .await;
    assert_eq!(reported.status(), 201);

    // The published report does not.
    let (again_tag, again) = body_of(app.get(&path).await).await;
    assert_eq!(again, bytes, "same bytes");
    assert_eq!(again_tag.as_deref(), Some(etag.as_str()), "same ETag");
    let held = app
        .client
        .get(app.url(&path))
        .header("If-None-Match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(held.status(), 304);
    let listed = demo
        .json(&format!(
            "/api/v1/highlight-reports?plan_id={plan}&status=published"
        ))
        .await;
    assert_eq!(
        format!(
            "\"{}\"",
            listed["items"][0]["content_hash"].as_str().unwrap()
        ),
        etag,
        "content_hash is the ETag"
    );
    problem(
        app.patch(&path, &json!({"summary": "Rewritten"})).await,
        409,
        "report_published",
    )
    .await;
    problem(
        app.post(&format!("{path}/comments"), &json!({"text": "Too late"}))
            .await,
        409,
        "report_published",
    )
    .await;
    problem(app.delete(&path).await, 409, "report_published").await;

    // Drafted again from history, it comes out the same.
    let regenerated = demo.json(&format!("{path}/regenerated")).await;
    assert_eq!(&regenerated, content);

    // The next meeting's report counts from the first one.
    let second = meeting(&demo, 100).await;
    let (next, _, _) = publish_report(&demo, &second, "Waits rising.").await;
    let since = &next["content"]["since_last"];
    assert_eq!(since["previous_report_id"], report["id"]);
    assert_eq!(since["from"], content["as_of"]);
    assert!(since["status_updates"].as_u64().unwrap() >= 1, "{since}");
    let moved: Vec<&Value> = since["brag_moves"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["ref"] == "Afl3.3/7")
        .collect();
    assert_eq!(moved.len(), 1, "{since}");
    assert_eq!(moved[0]["before"], before);
    assert_eq!(moved[0]["after"], "red");
    let exception = next["content"]["exceptions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["ref"] == "Afl3.3/7")
        .expect("a red action is an exception");
    assert_eq!(exception["narrative"], "Recruitment paused: waits rising.");

    // The feed says the report was published; the board's decisions are the meeting's.
    let feed = demo
        .json("/api/v1/changes?resource_type=highlight_report&limit=100")
        .await;
    assert!(
        feed["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["operation"] == "publish" && e["resource_id"] == report["id"]),
        "{feed:?}"
    );
    let meeting_path = format!("/api/v1/meetings/{}", first["id"].as_str().unwrap());
    let owner = action["lead_ids"][0].clone();
    let held = app
        .patch(
            &meeting_path,
            &json!({"status": "held", "decisions": [
                {"kind": "escalation", "text": "Escalate CAMHS waits to the ICB board", "plan_id": plan},
                {"kind": "action", "text": "Recovery plan to the next board", "owner_id": owner, "due_date": "2027-03-01"}
            ]}),
        )
        .await;
    assert_eq!(held.status(), 200);
    let held: Value = held.json().await.unwrap();
    assert_eq!(held["decisions"][1]["owner_id"], owner);
    assert_eq!(held["version"], 2);
    let (after_decisions, _) = body_of(app.get(&path).await).await;
    assert_eq!(after_decisions.as_deref(), Some(etag.as_str()));
}

#[tokio::test]
async fn meetings_and_drafts_are_written_by_those_whose_they_are() {
    let demo = Demo::start().await;
    let app = &demo.app;
    let board = demo.body(BOARD).await;
    let meetings = format!(
        "/api/v1/governance-bodies/{}/meetings",
        board["id"].as_str().unwrap()
    );
    let date = Utc::now().date_naive() + Days::new(10);

    // CNWL does not sit on the board.
    let cnwl = app.client_as(Role::Editor, Some("CNWL"));
    let refused = app.post_as(&cnwl, &meetings, &json!({"date": date})).await;
    problem(refused, 403, "outside_organisation").await;
    let late = app
        .post(
            &meetings,
            &json!({"date": date, "papers_cutoff": format!("{}T09:00:00Z", date + Days::new(1))}),
        )
        .await;
    let late = problem(late, 422, "validation_failed").await;
    assert_eq!(late["errors"][0]["field"], "papers_cutoff");

    // A meeting whose agenda is given holds only that.
    let early_help = demo.plan_id("EARLY-HELP-OFFER").await;
    let given = app
        .create(&meetings, &json!({"date": date, "plan_ids": [early_help]}))
        .await;
    assert_eq!(given["plan_ids"], json!([early_help]));
    assert_eq!(given["status"], "planned");
    let send = demo.plan_id(SEND).await;
    let reports = format!(
        "/api/v1/meetings/{}/highlight-reports",
        given["id"].as_str().unwrap()
    );
    let off_agenda = app.post(&reports, &json!({"plan_id": send})).await;
    let off_agenda = problem(off_agenda, 422, "validation_failed").await;
    assert_eq!(off_agenda["errors"][0]["code"], "not_on_agenda");

    let first = meeting(&demo, 20).await;
    let reports = format!(
        "/api/v1/meetings/{}/highlight-reports",
        first["id"].as_str().unwrap()
    );
    let drafted = app.create(&reports, &json!({"plan_id": send})).await;
    let twice = app.post(&reports, &json!({"plan_id": send})).await;
    problem(twice, 409, "duplicate").await;

    // A draft is for token holders; a meeting with reports stays.
    let path = format!(
        "/api/v1/highlight-reports/{}",
        drafted["id"].as_str().unwrap()
    );
    let viewer = app.client_as(Role::Viewer, Some("CNWL"));
    let read = viewer.get(app.url(&path)).send().await.unwrap();
    assert_eq!(read.status(), 200);
    let comment = app
        .post_as(
            &viewer,
            &format!("{path}/comments"),
            &json!({"text": "Hello"}),
        )
        .await;
    problem(comment, 403, "insufficient_role").await;
    let meeting_path = format!("/api/v1/meetings/{}", first["id"].as_str().unwrap());
    problem(app.delete(&meeting_path).await, 409, "still_referenced").await;
    assert_eq!(app.delete(&path).await.status(), 204);
    assert_eq!(app.delete(&meeting_path).await.status(), 204);
    assert_eq!(app.get(&meeting_path).await.status(), 410);
}

#[tokio::test]
async fn a_report_reads_as_a_page_a_table_and_a_workbook_from_the_same_snapshot() {
    let demo = Demo::start().await;
    let app = &demo.app;
    let first = meeting(&demo, 10).await;
    let (report, etag, _) = publish_report(&demo, &first, "Steady <progress> & more.").await;
    let path = format!(
        "/api/v1/highlight-reports/{}",
        report["id"].as_str().unwrap()
    );
    let total = report["content"]["actions"]["total"].as_u64().unwrap();

    // A browser asks for HTML and gets a page that needs no script.
    let page = app
        .client
        .get(app.url(&path))
        .header("Accept", "text/html,application/xhtml+xml,*/*;q=0.8")
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let page_tag = page.headers()["etag"].to_str().unwrap().to_string();
    assert_ne!(page_tag, etag, "each format has its own bytes and tag");
    let html = page.text().await.unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"), "{}", &html[..80]);
    assert!(html.contains("lang=\"en-GB\""));
    assert!(!html.contains("<script"), "no JavaScript");
    assert!(html.contains("<svg"), "inline charts");
    assert!(
        html.contains("Steady &#60;progress&#62; &#38; more."),
        "written text escaped"
    );
    assert!(html.contains(SEND));
    assert!(html.contains(&format!(">{total}<")), "the headline count");

    // The same page again is the same bytes, so its tag holds.
    let again = app
        .client
        .get(app.url(&format!("{path}?format=html")))
        .header("If-None-Match", &page_tag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);

    let table = app.get(&format!("{path}?format=csv")).await;
    assert_eq!(table.status(), 200);
    assert!(table.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains(".csv"));
    let csv = table.text().await.unwrap();
    let header = csv.lines().next().unwrap();
    assert_eq!(
        header,
        "section,ref,title,brag_or_status,due,leads,narrative_or_value,period,updated_at"
    );
    assert!(csv.lines().count() > 10);

    let workbook = app
        .client
        .get(app.url(&path))
        .header(
            "Accept",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(workbook.status(), 200);
    let bytes = workbook.bytes().await.unwrap();
    assert_eq!(&bytes[..2], b"PK", "an Office Open XML (zip) file");
    let again = app
        .get(&format!("{path}?format=xlsx"))
        .await
        .bytes()
        .await
        .unwrap();
    assert_eq!(
        bytes, again,
        "a workbook of a frozen report does not change"
    );

    let unknown = app.get(&format!("{path}?format=pdf")).await;
    assert_eq!(unknown.status(), 400);
}

#[tokio::test]
async fn a_published_plan_has_a_public_progress_page_linking_its_reports() {
    let demo = Demo {
        app: crate::helpers::spawn_app_with(&[
            ("WAYMARK_DEMO_PLANS", "true"),
            ("WAYMARK_PUBLIC_READ", "true"),
        ])
        .await,
    };
    let app = &demo.app;
    let first = meeting(&demo, 10).await;
    let (report, _, _) = publish_report(&demo, &first, "Steady progress.").await;
    let action = demo.action(SEND, "Afl3.3/7").await;

    let page = app
        .anonymous
        .get(app.url(&format!("/api/v1/plans/{SEND}/progress")))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let html = page.text().await.unwrap();
    assert!(!html.contains("<script"));
    assert!(html.contains("Afl3.3/7"), "every action is listed");
    assert!(html.contains(&format!(
        "/api/v1/highlight-reports/{}?format=html",
        report["id"].as_str().unwrap()
    )));
    assert!(html.contains(
        action["description"]
            .as_str()
            .unwrap()
            .split('<')
            .next()
            .unwrap()
            .trim()
    ));

    // The report it links to opens without a token; a draft does not.
    let linked = app
        .anonymous
        .get(app.url(&format!(
            "/api/v1/highlight-reports/{}?format=html",
            report["id"].as_str().unwrap()
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(linked.status(), 200);
    let second = meeting(&demo, 100).await;
    let plan = demo.plan_id(SEND).await;
    let draft = app
        .create(
            &format!(
                "/api/v1/meetings/{}/highlight-reports",
                second["id"].as_str().unwrap()
            ),
            &json!({"plan_id": plan}),
        )
        .await;
    let hidden = app
        .anonymous
        .get(app.url(&format!(
            "/api/v1/highlight-reports/{}",
            draft["id"].as_str().unwrap()
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(hidden.status(), 404);

    // An unpublished plan has no public page.
    let unpublished = app
        .patch(
            &format!("/api/v1/plans/{plan}"),
            &json!({"published": false}),
        )
        .await;
    assert_eq!(unpublished.status(), 200);
    let gone = app
        .anonymous
        .get(app.url(&format!("/api/v1/plans/{SEND}/progress")))
        .send()
        .await
        .unwrap();
    assert_eq!(gone.status(), 404);
    let with_token = app.get(&format!("/api/v1/plans/{SEND}/progress")).await;
    assert_eq!(with_token.status(), 200);
}
