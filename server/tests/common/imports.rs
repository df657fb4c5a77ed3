//! Driving the import endpoints as the page does: upload, check, commit, undo.

use reqwest::{Client, StatusCode};
use serde_json::{Value, json};

use super::TestApp;

pub async fn upload(app: &TestApp, client: &Client, kind: &str, name: &str, body: Vec<u8>) -> (StatusCode, Value) {
    let res = client
        .post(format!("{}/api/imports/{kind}?name={name}", app.base))
        .header("content-type", "text/csv")
        .body(body)
        .send()
        .await
        .unwrap();
    let status = res.status();
    (status, res.json().await.unwrap_or(Value::Null))
}

/// Runs a check or a commit and returns the last event of its stream.
pub async fn run(app: &TestApp, client: &Client, id: &Value, mapping: &Value, what: &str) -> Value {
    let res = client
        .post(format!("{}/api/imports/{}/{what}", app.base, id.as_str().unwrap()))
        .json(&json!({ "mapping": mapping }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "text/event-stream");
    let text = res.text().await.unwrap();
    let last = text
        .split("\n\n")
        .filter_map(|b| b.strip_prefix("data: "))
        .last()
        .expect("at least one event");
    serde_json::from_str(last).unwrap()
}

/// Upload, check and (when `commit`) import a file with the suggested mapping.
pub async fn import(app: &TestApp, client: &Client, kind: &str, csv: &str, commit: bool) -> (Value, Value) {
    let (status, up) = upload(app, client, kind, "test.csv", csv.as_bytes().to_vec()).await;
    assert_eq!(status, StatusCode::OK, "{up}");
    let checked = run(app, client, &up["id"], &up["mapping"], "check").await;
    assert_eq!(checked["event"], "done", "{checked}");
    if !commit {
        return (up, checked["outcome"].clone());
    }
    let done = run(app, client, &up["id"], &up["mapping"], "commit").await;
    assert_eq!(done["event"], "done", "{done}");
    assert_eq!(done["outcome"]["committed"], true, "{done}");
    (up, done["outcome"].clone())
}

/// Undoes the newest import.
pub async fn undo_latest(app: &TestApp, client: &Client) -> (StatusCode, Value) {
    let (_, history) = app.call(client, "imports/history", &[]).await;
    app.call(
        client,
        "imports/undo",
        &[("import", history[0]["id"].as_str().unwrap())],
    )
    .await
}

pub fn errors(outcome: &Value) -> Vec<(u64, String, String)> {
    outcome["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["row"].as_u64().unwrap(),
                e["column"].as_str().unwrap().to_string(),
                e["code"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}
