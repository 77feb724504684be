//! The app's addresses. Vigil routes on the URL fragment (`#/incidents/42`) so that a link to
//! any page opens from a plain static file server, which only ever sees the request for `/`.

/// A page of the app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// The security situation at a glance; the start page.
    Overview,
    /// The incident queue.
    Incidents,
    /// The creation form.
    NewIncident,
    /// One incident, by its number.
    Incident(u64),
    /// Importing a file of alerts or incidents.
    Import,
    /// The browser profile's workspaces: open one, create one.
    Workspaces,
    /// How the open workspace is stored, and the records that could not be read.
    Diagnostics,
    /// Any address Vigil does not know, kept so the page can say which.
    NotFound(String),
}

impl Route {
    /// Reads the fragment of the address (`location.hash`), with or without its leading `#`.
    /// Browsers percent-encode it (a space arrives as `%20`), so it is decoded here. A query
    /// (`?status=New`) is not part of the route and is ignored here.
    pub fn from_hash(hash: &str) -> Route {
        let fragment = hash.strip_prefix('#').unwrap_or(hash);
        let raw_path = fragment.split_once('?').map_or(fragment, |(path, _)| path);
        let segments: Vec<String> = raw_path
            .split('/')
            .filter(|segment| !segment.is_empty())
            .map(decode)
            .collect();
        let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
        let not_found = || Route::NotFound(decode(raw_path));
        match segments.as_slice() {
            [] => Route::Overview,
            ["incidents"] => Route::Incidents,
            ["incidents", "new"] => Route::NewIncident,
            ["import"] => Route::Import,
            ["workspaces"] => Route::Workspaces,
            ["diagnostics"] => Route::Diagnostics,
            ["incidents", number] if number.bytes().all(|byte| byte.is_ascii_digit()) => {
                number.parse().map_or_else(|_| not_found(), Route::Incident)
            }
            _ => not_found(),
        }
    }

    /// The link to this page, for an `href`.
    pub fn href(&self) -> String {
        match self {
            Route::Overview => "#/".to_owned(),
            Route::Incidents => "#/incidents".to_owned(),
            Route::NewIncident => "#/incidents/new".to_owned(),
            Route::Incident(number) => format!("#/incidents/{number}"),
            Route::Import => "#/import".to_owned(),
            Route::Workspaces => "#/workspaces".to_owned(),
            Route::Diagnostics => "#/diagnostics".to_owned(),
            Route::NotFound(path) => format!("#{path}"),
        }
    }

    /// The link to this page with a query (a queue filter's), or without one when it is empty.
    pub fn href_with(&self, query: &str) -> String {
        match query {
            "" => self.href(),
            query => format!("{}?{query}", self.href()),
        }
    }
}

/// The query of the address's fragment (after its `?`), which pages keep their view in; empty
/// when there is none.
pub fn query_of(hash: &str) -> &str {
    hash.split_once('?').map_or("", |(_, query)| query)
}

/// The value of `key` in the query of the address's fragment, decoded; empty for a key given
/// without a value (`?stay`), `None` when it is not there.
pub fn query_value(hash: &str, key: &str) -> Option<String> {
    query_of(hash)
        .split('&')
        .find_map(|pair| match pair.split_once('=') {
            Some((name, value)) if name == key => Some(decode(value)),
            None if pair == key => Some(String::new()),
            _ => None,
        })
}

/// Undoes the browser's percent-encoding; bytes that are not UTF-8 become U+FFFD.
fn decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_page_reads_back_from_its_own_link() {
        for route in [
            Route::Overview,
            Route::Incidents,
            Route::NewIncident,
            Route::Incident(42),
            Route::Import,
            Route::Workspaces,
            Route::Diagnostics,
            Route::NotFound("/nowhere".into()),
        ] {
            assert_eq!(Route::from_hash(&route.href()), route);
        }
    }

    #[test]
    fn a_query_follows_the_page_and_an_empty_one_is_left_out() {
        assert_eq!(Route::Incidents.href_with(""), "#/incidents");
        assert_eq!(
            Route::Incidents.href_with("status=New"),
            "#/incidents?status=New"
        );
        assert_eq!(
            Route::from_hash(&Route::Incident(7).href_with("stay")),
            Route::Incident(7)
        );
    }

    #[test]
    fn a_query_value_is_found_by_its_key_and_decoded() {
        let hash = "#/?period=custom&from=2026-11-01&stay&note=a%20b";
        assert_eq!(query_value(hash, "period").as_deref(), Some("custom"));
        assert_eq!(query_value(hash, "from").as_deref(), Some("2026-11-01"));
        assert_eq!(query_value(hash, "stay").as_deref(), Some(""));
        assert_eq!(query_value(hash, "note").as_deref(), Some("a b"));
        assert_eq!(query_value(hash, "to"), None);
        assert_eq!(query_value("#/", "period"), None);
    }

    #[test]
    fn an_empty_fragment_is_the_overview() {
        assert_eq!(Route::from_hash(""), Route::Overview);
        assert_eq!(Route::from_hash("#"), Route::Overview);
        assert_eq!(Route::from_hash("#/"), Route::Overview);
    }

    #[test]
    fn trailing_slashes_and_queries_do_not_change_the_page() {
        assert_eq!(Route::from_hash("#/incidents/"), Route::Incidents);
        assert_eq!(Route::from_hash("#/incidents?status=New"), Route::Incidents);
        assert_eq!(
            Route::from_hash("#/incidents/7?tab=alerts"),
            Route::Incident(7)
        );
    }

    #[test]
    fn an_incident_number_must_be_a_whole_number() {
        assert_eq!(
            Route::from_hash("#/incidents/-1"),
            Route::NotFound("/incidents/-1".into())
        );
        assert_eq!(
            Route::from_hash("#/incidents/4x"),
            Route::NotFound("/incidents/4x".into())
        );
        assert_eq!(
            Route::from_hash("#/incidents/99999999999999999999999"),
            Route::NotFound("/incidents/99999999999999999999999".into())
        );
    }

    #[test]
    fn the_address_is_read_as_typed_not_as_the_browser_encoded_it() {
        assert_eq!(
            Route::from_hash("#/%3Cimg%20src=x%3E"),
            Route::NotFound("/<img src=x>".into())
        );
        assert_eq!(Route::from_hash("#/incidents/%34%32"), Route::Incident(42));
        assert_eq!(
            Route::from_hash("#/%FF"),
            Route::NotFound("/\u{FFFD}".into())
        );
    }

    #[test]
    fn unknown_addresses_are_not_found() {
        assert_eq!(
            Route::from_hash("#/settings"),
            Route::NotFound("/settings".into())
        );
        assert_eq!(
            Route::from_hash("#/incidents/1/extra"),
            Route::NotFound("/incidents/1/extra".into())
        );
    }
}
