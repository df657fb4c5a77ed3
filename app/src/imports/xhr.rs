//! Browser only: requests whose progress the page shows. `XMLHttpRequest` reports how
//! much of an upload is sent, and hands over a streamed response as it arrives, which
//! `fetch` in the server functions does not.

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{ProgressEvent, XmlHttpRequest};

/// What a request reports while it runs.
pub struct Handlers {
    /// Share of the request body sent (0.0–1.0).
    pub on_upload: Box<dyn Fn(f64)>,
    /// The response text received so far.
    pub on_text: Box<dyn Fn(String)>,
    /// The status and the whole response text, once done (status 0: the network failed).
    pub on_done: Box<dyn Fn(u16, String)>,
}

/// Sends `body` (a `File` or a string) to `url`.
pub fn send(method: &str, url: &str, content_type: &str, body: &JsValue, h: Handlers) -> Result<(), JsValue> {
    let xhr = XmlHttpRequest::new()?;
    xhr.open(method, url)?;
    xhr.set_request_header("Content-Type", content_type)?;
    xhr.set_request_header("Accept", "application/json, text/event-stream")?;

    let on_upload = h.on_upload;
    let upload = Closure::<dyn Fn(ProgressEvent)>::new(move |ev: ProgressEvent| {
        if ev.length_computable() && ev.total() > 0.0 {
            on_upload(ev.loaded() / ev.total());
        }
    });
    xhr.upload()?.set_onprogress(Some(upload.as_ref().unchecked_ref()));

    let reader = xhr.clone();
    let on_text = h.on_text;
    let progress = Closure::<dyn Fn(ProgressEvent)>::new(move |_| {
        if let Ok(Some(text)) = reader.response_text() {
            on_text(text);
        }
    });
    xhr.set_onprogress(Some(progress.as_ref().unchecked_ref()));

    let done_xhr = xhr.clone();
    let on_done = h.on_done;
    let done = Closure::<dyn Fn(web_sys::Event)>::new(move |_| {
        let status = done_xhr.status().unwrap_or(0);
        let text = done_xhr.response_text().ok().flatten().unwrap_or_default();
        on_done(status, text);
    });
    xhr.set_onloadend(Some(done.as_ref().unchecked_ref()));

    // The closures live as long as the page: a request ends once, and few are made.
    upload.forget();
    progress.forget();
    done.forget();
    if body.is_undefined() {
        xhr.send()
    } else if let Some(text) = body.as_string() {
        xhr.send_with_opt_str(Some(&text))
    } else {
        xhr.send_with_opt_blob(body.dyn_ref::<web_sys::Blob>())
    }
}
