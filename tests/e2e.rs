//! End to end: the release build in `dist/`, served by a plain static file server on 127.0.0.1
//! that knows nothing about the app, driven in headless Chromium through WebDriver. Only this
//! layer runs the optimised Wasm under the real Content-Security-Policy.
//!
//! Run by `scripts/test.sh` after it builds `dist/`; by hand:
//! `trunk build --release && cargo test --features e2e --test e2e`.

use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder, Locator};
use hyper_util::client::legacy::connect::HttpConnector;
use serde_json::{Value, json};

/// A child process that is stopped when the test ends, however it ends.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Waits until something listens on the port; a bound on failure, not a timing assertion.
fn wait_for_port(port: u16, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            Instant::now() < deadline,
            "{what} did not start listening on port {port}"
        );
        sleep(Duration::from_millis(50));
    }
}

fn dist_dir() -> PathBuf {
    let dist = std::env::var_os("VIGIL_DIST")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("dist"));
    assert!(
        dist.join("index.html").is_file(),
        "{} holds no build: run `trunk build --release` first (scripts/test.sh does)",
        dist.display()
    );
    dist
}

/// `python3 -m http.server`: the plainest static server there is, with no fallback to
/// `index.html`, as an offline demo deployment would use.
fn serve_dist() -> (Running, u16) {
    let port = free_port();
    let server = Command::new("python3")
        .args([
            "-m",
            "http.server",
            &port.to_string(),
            "--bind",
            "127.0.0.1",
            "--directory",
        ])
        .arg(dist_dir())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("python3 is needed to serve dist/");
    let server = Running(server);
    wait_for_port(port, "the static file server");
    (server, port)
}

fn start_chromedriver() -> (Running, u16) {
    let port = free_port();
    let binary = std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
    let driver = Command::new(&binary)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|error| panic!("cannot start {binary}: {error}"));
    let driver = Running(driver);
    wait_for_port(port, "chromedriver");
    (driver, port)
}

/// A fresh, empty browser profile, removed when the test ends.
struct Profile(PathBuf);

impl Profile {
    fn new() -> Profile {
        Profile(std::env::temp_dir().join(format!("vigil-e2e-{}", std::process::id())))
    }
}

impl Drop for Profile {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

async fn open_browser(driver_port: u16, profile: &Profile) -> Client {
    let chromium = std::env::var("CHROME").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let user_data = &profile.0;
    let capabilities = json!({
        "browserName": "chrome",
        "goog:chromeOptions": {
            "binary": chromium,
            "args": [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run",
                format!("--user-data-dir={}", user_data.display()),
            ],
        },
        "goog:loggingPrefs": { "browser": "ALL", "performance": "ALL" },
    });
    let serde_json::Value::Object(capabilities) = capabilities else {
        unreachable!()
    };
    ClientBuilder::new(HttpConnector::new())
        .capabilities(capabilities)
        .connect(&format!("http://127.0.0.1:{driver_port}"))
        .await
        .expect("chromedriver refused the session")
}

/// chromedriver's log endpoint (not in the W3C standard, so fantoccini has no method for it).
#[derive(Debug)]
struct ReadLog(&'static str);

impl WebDriverCompatibleCommand for ReadLog {
    fn endpoint(
        &self,
        base: &url::Url,
        session: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/se/log", session.unwrap_or_default()))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (
            http::Method::POST,
            Some(json!({ "type": self.0 }).to_string()),
        )
    }
}

async fn read_log(client: &Client, kind: &'static str) -> Vec<Value> {
    match client
        .issue_cmd(ReadLog(kind))
        .await
        .expect("reading the browser log")
    {
        Value::Array(entries) => entries,
        other => panic!("unexpected {kind} log: {other}"),
    }
}

/// Waits for the page's `<h1>` to read `text`.
/// How long a step waits for the page before the test gives up.
const PATIENCE: Duration = Duration::from_secs(20);

/// What `locator` finds once it is on the page, waiting up to `within` (after a reload, the app
/// mounts only once its Wasm has compiled).
async fn wait_for(
    client: &Client,
    locator: Locator<'_>,
    within: Duration,
) -> fantoccini::elements::Element {
    client
        .wait()
        .at_most(within)
        .for_element(locator)
        .await
        .unwrap_or_else(|error| panic!("nothing at {locator:?}: {error}"))
}

async fn expect_heading(client: &Client, text: &str) {
    let xpath = format!("//h1[normalize-space()='{text}']");
    wait_for(client, Locator::XPath(&xpath), PATIENCE).await;
}

async fn click_link(client: &Client, text: &str) {
    client
        .find(Locator::LinkText(text))
        .await
        .unwrap_or_else(|error| panic!("no link {text:?}: {error}"))
        .click()
        .await
        .unwrap();
}

async fn walk_through_the_shell(client: &Client, base: &str) {
    // A shared link to an incident opens that incident, straight from the static server.
    client.goto(&format!("{base}#/incidents/42")).await.unwrap();
    let heading = "//h1[starts-with(normalize-space(), 'Incident 42')]";
    wait_for(client, Locator::XPath(heading), PATIENCE).await;
    assert_eq!(client.title().await.unwrap(), "Incident 42 · Vigil");

    click_link(client, "Incidents").await;
    expect_heading(client, "Incidents").await;
    click_link(client, "New incident").await;
    expect_heading(client, "New incident").await;
    click_link(client, "Overview").await;
    expect_heading(client, "Overview").await;

    client.back().await.unwrap();
    expect_heading(client, "New incident").await;

    client.goto(&format!("{base}#/no/such/page")).await.unwrap();
    expect_heading(client, "Page not found").await;
    client.goto(base).await.unwrap();
    expect_heading(client, "Overview").await;
}

/// The labels inside the elements `within` finds that a wrap has put on another line than the
/// control each names. Panics when there are fewer than `at_least` labels to check, so a
/// selector that finds nothing cannot pass.
async fn labels_apart_from_their_controls(client: &Client, within: &str, at_least: usize) -> Value {
    let count = "return [...document.querySelectorAll(arguments[0])]
        .flatMap((row) => [...row.querySelectorAll('label[for]')]).length;";
    let checked = client
        .execute(count, vec![Value::from(within)])
        .await
        .unwrap();
    assert!(
        checked
            .as_u64()
            .is_some_and(|labels| labels >= at_least as u64),
        "{checked} labels in {within}, not at least {at_least}"
    );
    let script = "return [...document.querySelectorAll(arguments[0])]
        .flatMap((row) => [...row.querySelectorAll('label[for]')])
        .filter((label) => {
            const control = document.getElementById(label.htmlFor);
            if (!control) return true;
            const [mark, box] = [label.getBoundingClientRect(), control.getBoundingClientRect()];
            const middle = (mark.top + mark.bottom) / 2;
            return middle < box.top || middle > box.bottom;
        })
        .map((label) => label.textContent);";
    client
        .execute(script, vec![Value::from(within)])
        .await
        .unwrap()
}

/// Gives the browser window this size in pixels.
async fn resize(client: &Client, (width, height): (u64, u64)) {
    let pixels = |value: u64| u32::try_from(value).unwrap();
    client
        .set_window_rect(0, 0, pixels(width), pixels(height))
        .await
        .unwrap();
}

/// On a laptop screen (a 1280 × 800 window) the demo queue shows rows as it opens: the filters
/// and the bulk bar above the table leave room for them. There and in a 1024-pixel window, on
/// the queue and on an incident's page, no label is wrapped away from its control.
async fn see_rows_of_the_queue_on_a_laptop_screen(client: &Client, base: &str) {
    const ROWS_IN_VIEW: u64 = 5;
    let (_, _, width, height) = client.get_window_rect().await.unwrap();
    let queue_row = "//table[contains(@class, 'queue')]//tbody/tr[not(contains(@class, 'spacer'))]";
    resize(client, (1280, 800)).await;
    client.goto(&format!("{base}#/incidents")).await.unwrap();
    wait_for(client, Locator::XPath(queue_row), PATIENCE).await;
    // In view: above the window's bottom edge and above the bottom of the table's own scroller.
    let script = "const scroller = document.querySelector('.queue-scroll').getBoundingClientRect();
        const bottom = Math.min(window.innerHeight, scroller.bottom);
        return [...document.querySelectorAll('.queue tbody tr:not(.spacer)')]
            .filter((row) => row.getBoundingClientRect().bottom <= bottom).length;";
    let in_view = client.execute(script, vec![]).await.unwrap();
    // Nothing is ticked, so the bulk bar's buttons cannot act, and look it.
    let looks =
        "const style = getComputedStyle(document.querySelector('.bulk-row button:disabled'));
        return [style.cursor, style.opacity];";
    let disabled_look = client.execute(looks, vec![]).await.unwrap();
    let mut apart = Vec::new();
    for window_width in [1280, 1024] {
        resize(client, (window_width, 800)).await;
        client.goto(&format!("{base}#/incidents")).await.unwrap();
        wait_for(client, Locator::XPath(queue_row), PATIENCE).await;
        let queue = ".queue-filters, .bulk-actions";
        apart.push((
            window_width,
            queue,
            // Owner, product, tag, created, closed, search; the bulk bar's four.
            labels_apart_from_their_controls(client, queue, 10).await,
        ));
        client.goto(&format!("{base}#/incidents/42")).await.unwrap();
        wait_for(client, Locator::Css("#incident-owner"), PATIENCE).await;
        let header = ".incident-header";
        apart.push((
            window_width,
            header,
            // Title, severity and owner (the status is a choice only while it is open).
            labels_apart_from_their_controls(client, header, 3).await,
        ));
    }
    resize(client, (width, height)).await;
    assert!(
        in_view.as_u64().is_some_and(|rows| rows >= ROWS_IN_VIEW),
        "{in_view} queue rows are in view at 1280 × 800 without scrolling, not {ROWS_IN_VIEW}"
    );
    assert_eq!(
        disabled_look,
        json!(["not-allowed", "0.5"]),
        "a disabled bulk button"
    );
    for (window_width, within, labels) in apart {
        assert_eq!(
            labels,
            json!([]),
            "labels of {within} apart from their controls in a {window_width}-pixel window"
        );
    }
}

/// Waits for the element `css` finds to read `text`.
async fn expect_text(client: &Client, css: &str, text: &str) {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let shown = match client.find(Locator::Css(css)).await {
            Ok(element) => element.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        };
        if shown == text {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{css} reads {shown:?}, not {text:?}"
        );
        sleep(Duration::from_millis(100));
    }
}

/// Workspaces live in the browser's database: the demo on a first visit, a new empty workspace,
/// and the choice between them, all as they were after a reload.
async fn keep_workspaces_across_reloads(client: &Client, base: &str) {
    const SUMMARY: &str = ".workspace-summary";
    const EMPTY: &str = "0 incidents, 0 of them open, holding 0 alerts.";
    client.goto(base).await.unwrap();
    let demo = wait_for_demo(client).await;

    click_link(client, "Workspaces").await;
    expect_heading(client, "Workspaces").await;
    client
        .find(Locator::Css("#workspace-name"))
        .await
        .unwrap()
        .send_keys("Night shift")
        .await
        .unwrap();
    client
        .find(Locator::XPath(
            "//button[normalize-space()='Create workspace']",
        ))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    click_link(client, "Overview").await;
    expect_text(client, SUMMARY, EMPTY).await;

    client.refresh().await.unwrap();
    expect_text(client, SUMMARY, EMPTY).await;
    let switcher = client
        .find(Locator::Css("#workspace-switcher"))
        .await
        .unwrap();
    assert_eq!(
        switcher.prop("value").await.unwrap().as_deref(),
        Some("Night shift")
    );
    switcher.select_by_value("Demo").await.unwrap();
    expect_text(client, SUMMARY, &demo).await;
    client.refresh().await.unwrap();
    expect_text(client, SUMMARY, &demo).await;
}

async fn type_in(client: &Client, css: &str, text: &str) {
    client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|error| panic!("no field {css}: {error}"))
        .send_keys(text)
        .await
        .unwrap();
}

async fn choose(client: &Client, css: &str, value: &str) {
    client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|error| panic!("no select {css}: {error}"))
        .select_by_value(value)
        .await
        .unwrap();
}

async fn click_button(client: &Client, text: &str) {
    let xpath = format!("//button[normalize-space()='{text}']");
    client
        .find(Locator::XPath(&xpath))
        .await
        .unwrap_or_else(|error| panic!("no button {text:?}: {error}"))
        .click()
        .await
        .unwrap();
}

/// Waits until the queue lists (or, with `listed` false, stops listing) a row with `title`;
/// when it never does, says what the address and the queue's count were.
async fn expect_in_queue(client: &Client, title: &str, listed: bool) {
    let xpath = format!("//table[contains(@class, 'queue')]//td[normalize-space()='{title}']");
    let deadline = Instant::now() + PATIENCE;
    while client.find(Locator::XPath(&xpath)).await.is_ok() != listed {
        if Instant::now() >= deadline {
            let address = client.current_url().await.map(|url| url.to_string());
            let count = match client.find(Locator::Css(".queue-count")).await {
                Ok(element) => element.text().await.unwrap_or_default(),
                Err(_) => String::new(),
            };
            panic!(
                "the queue {} {title:?} (address {address:?}, count {count:?})",
                if listed {
                    "does not list"
                } else {
                    "still lists"
                }
            );
        }
        sleep(Duration::from_millis(100));
    }
}

/// Creates an incident through the form, typing `typed` and choosing `chosen` (each a field's
/// CSS selector and its value), and waits for the confirmation.
async fn create_incident(
    client: &Client,
    base: &str,
    typed: &[(&str, &str)],
    chosen: &[(&str, &str)],
) {
    // From another page, so the form is a fresh one even right after a creation.
    client.goto(&format!("{base}#/")).await.unwrap();
    client
        .goto(&format!("{base}#/incidents/new"))
        .await
        .unwrap();
    expect_heading(client, "New incident").await;
    // The form shows before the workspace has loaded; it can be written only once it has.
    expect_opened(client).await;
    for (css, text) in typed {
        type_in(client, css, text).await;
    }
    for (css, value) in chosen {
        choose(client, css, value).await;
    }
    click_button(client, "Create").await;
    let confirmation = "//div[contains(@class, 'created')]";
    wait_for(client, Locator::XPath(confirmation), PATIENCE).await;
}

/// Waits until the workspace has loaded: no "Opening the workspace…" banner any more.
async fn expect_opened(client: &Client) {
    let opening = "//p[contains(@class, 'banner') and contains(., 'Opening the workspace')]";
    expect_gone(client, Locator::XPath(opening)).await;
}

/// Waits until every save the app has begun in workspace `name` is durable: a read-write
/// transaction over all its stores starts only after those of the app's saves have finished.
async fn expect_saved(client: &Client, name: &str) {
    let script = r#"
        const [name, done] = arguments;
        const opened = indexedDB.open("vigil-" + name);
        opened.onerror = () => done("the database did not open");
        opened.onsuccess = () => {
            const database = opened.result;
            const transaction = database.transaction(database.objectStoreNames, "readwrite");
            transaction.oncomplete = () => { database.close(); done(null); };
            transaction.onerror = () => { database.close(); done("the transaction failed"); };
        };
    "#;
    let outcome = client
        .execute_async(script, vec![Value::from(name)])
        .await
        .unwrap();
    assert_eq!(outcome, Value::Null, "waiting for the saves of {name}");
}

/// Waits until nothing on the page matches `locator`.
async fn expect_gone(client: &Client, locator: Locator<'_>) {
    let deadline = Instant::now() + PATIENCE;
    while client.find(locator).await.is_ok() {
        assert!(
            Instant::now() < deadline,
            "{locator:?} is still on the page"
        );
        sleep(Duration::from_millis(100));
    }
}

/// Clicks what `css` finds.
async fn click_css(client: &Client, css: &str) {
    client
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|error| panic!("nothing at {css}: {error}"))
        .click()
        .await
        .unwrap();
}

/// The whole triage flow: create two incidents, narrow the queue to them with the search, tick
/// both and close them together, then reload: the same (filtered) queue, without them until
/// Closed is chosen, and with them once it is, also after another reload.
async fn create_filter_bulk_close_and_reload(client: &Client, base: &str) {
    const TITLES: [&str; 2] = ["Bulk flow printer beacon", "Bulk flow kiosk beacon"];
    for title in TITLES {
        create_incident(client, base, &[("#incident-title", title)], &[]).await;
    }
    client.goto(&format!("{base}#/incidents")).await.unwrap();
    wait_for(client, Locator::Css("#queue-search"), PATIENCE).await;
    type_in(client, "#queue-search", "bulk flow").await;
    for title in TITLES {
        expect_in_queue(client, title, true).await;
    }
    expect_text(
        client,
        ".queue-count",
        &format!("2 of {}", queue_total(client).await),
    )
    .await;
    for checkbox in client
        .find_all(Locator::Css(".queue tbody input[type=checkbox]"))
        .await
        .unwrap()
    {
        checkbox.click().await.unwrap();
    }
    click_button(client, "Close selected").await;
    wait_for(client, Locator::Css("#dialog-classification"), PATIENCE).await;
    // The dialog is modal: focus is inside it, and Escape cancels it as Cancel does.
    let focus_in_dialog = client
        .execute(
            "return document.activeElement.closest('dialog') !== null",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(focus_in_dialog, Value::Bool(true));
    const ESCAPE: &str = "\u{e00c}";
    client
        .active_element()
        .await
        .unwrap()
        .send_keys(ESCAPE)
        .await
        .unwrap();
    expect_gone(client, Locator::Css("#dialog-classification")).await;
    click_button(client, "Close selected").await;
    wait_for(client, Locator::Css("#dialog-classification"), PATIENCE).await;
    choose(client, "#dialog-classification", "benign-positive").await;
    click_css(client, "[role=dialog] .actions button").await;
    expect_text(client, ".bulk-outcome", "2 of 2 incidents closed.").await;
    for title in TITLES {
        expect_in_queue(client, title, false).await;
    }

    expect_saved(client, "Demo").await;
    client.refresh().await.unwrap();
    let search = wait_for(client, Locator::Css("#queue-search"), PATIENCE).await;
    assert_eq!(
        search.prop("value").await.unwrap().as_deref(),
        Some("bulk flow")
    );
    expect_text(
        client,
        ".queue-count",
        &format!("0 of {}", queue_total(client).await),
    )
    .await;
    click_css(client, "#status-Closed").await;
    for title in TITLES {
        expect_in_queue(client, title, true).await;
    }
    client.refresh().await.unwrap();
    for title in TITLES {
        expect_in_queue(client, title, true).await;
    }
}

/// The "of N" of the queue's count: how many incidents the workspace has, once it has loaded.
async fn queue_total(client: &Client) -> String {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let text = client
            .find(Locator::Css(".queue-count"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        if let Some((_, total)) = text.split_once(" of ")
            && !total.starts_with('0')
        {
            return total.to_owned();
        }
        assert!(Instant::now() < deadline, "the queue never counted: {text}");
        sleep(Duration::from_millis(100));
    }
}

/// The creation form in the release build: create an incident, reload, find it in the queue;
/// create one Closed, which the default queue hides and the Closed filter shows, also after a
/// reload (the filter is in the address).
async fn create_incidents_and_find_them(client: &Client, base: &str) {
    create_incident(
        client,
        base,
        &[
            ("#incident-title", "Caller claims to be the IT helpdesk"),
            ("#incident-description", "Reported by reception."),
        ],
        &[("#incident-severity", "High")],
    )
    .await;
    expect_saved(client, "Demo").await;
    client.refresh().await.unwrap();
    client.goto(&format!("{base}#/incidents")).await.unwrap();
    expect_in_queue(client, "Caller claims to be the IT helpdesk", true).await;

    create_incident(
        client,
        base,
        &[("#incident-title", "Badge reader false alarm")],
        &[
            ("#incident-status", "Closed"),
            ("#new-classification", "false-positive-data"),
        ],
    )
    .await;
    expect_text(
        client,
        ".banner.created p:last-child",
        "It was created Closed, so the incident queue's default filter (New and Active) does not show it; choose Closed in the status filter to see it there.",
    )
    .await;
    client.goto(&format!("{base}#/incidents")).await.unwrap();
    expect_in_queue(client, "Caller claims to be the IT helpdesk", true).await;
    expect_in_queue(client, "Badge reader false alarm", false).await;
    click_css(client, "#status-Closed").await;
    expect_in_queue(client, "Badge reader false alarm", true).await;
    client.refresh().await.unwrap();
    expect_in_queue(client, "Badge reader false alarm", true).await;
}

/// Waits until the demo workspace has been filled and shown, and returns its summary line.
async fn wait_for_demo(client: &Client) -> String {
    let xpath = "//p[contains(@class, 'workspace-summary') and contains(., '1965 alerts')]";
    // Filling the demo workspace takes longer than a step.
    wait_for(client, Locator::XPath(xpath), Duration::from_secs(30))
        .await
        .text()
        .await
        .unwrap()
}

#[tokio::test(flavor = "current_thread")]
async fn the_release_build_serves_every_page_and_keeps_workspaces_without_errors_or_outside_requests()
 {
    let (_server, server_port) = serve_dist();
    let (_driver, driver_port) = start_chromedriver();
    let profile = Profile::new();
    let client = open_browser(driver_port, &profile).await;
    let base = format!("http://127.0.0.1:{server_port}/");

    walk_through_the_shell(&client, &base).await;
    see_rows_of_the_queue_on_a_laptop_screen(&client, &base).await;
    keep_workspaces_across_reloads(&client, &base).await;
    create_incidents_and_find_them(&client, &base).await;
    create_filter_bulk_close_and_reload(&client, &base).await;

    let console = read_log(&client, "browser").await;
    let network = read_log(&client, "performance").await;
    client.close().await.unwrap();

    let errors: Vec<&Value> = console
        .iter()
        .filter(|entry| entry["level"] == "SEVERE")
        .collect();
    assert!(errors.is_empty(), "the console has errors: {errors:#?}");

    let requested: Vec<String> = network
        .iter()
        .filter_map(|entry| serde_json::from_str::<Value>(entry["message"].as_str()?).ok())
        .filter(|message| message["message"]["method"] == "Network.requestWillBeSent")
        .filter_map(|message| {
            Some(
                message["message"]["params"]["request"]["url"]
                    .as_str()?
                    .to_owned(),
            )
        })
        .collect();
    assert!(
        requested.iter().any(|url| url.ends_with(".wasm")),
        "the Wasm request was not seen, so the request log proves nothing: {requested:#?}"
    );
    // chrome://, data: and blob: addresses never touch the network; every other one must be ours.
    let over_the_network = |url: &&String| {
        ["http:", "https:", "ws:", "wss:", "ftp:"]
            .iter()
            .any(|scheme| url.starts_with(scheme))
    };
    let outside: Vec<&String> = requested
        .iter()
        .filter(over_the_network)
        .filter(|url| !url.starts_with(&base))
        .collect();
    assert!(
        outside.is_empty(),
        "requests left 127.0.0.1:{server_port}: {outside:#?}"
    );
}
