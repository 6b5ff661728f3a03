//! The parts of a server URL that the development-only verbs need: its host (is it this
//! machine?) and its database (a scratch database beside it).

/// `scheme://[user[:password]@]host[:port][/database][?query]`, split; SQLite URLs have no host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct UrlParts<'a> {
    /// Up to and including `://` (or `sqlite:`).
    pub prefix: &'a str,
    /// `user[:password]@host[:port]`, as written.
    pub authority: &'a str,
    /// The host, without brackets around an IPv6 address; empty for a Unix socket's default.
    pub host: String,
    /// The database (the path without its `/`), percent-encoded as written.
    pub database: &'a str,
    /// After `?`, without it.
    pub query: Option<&'a str>,
}

/// Splits a `postgres://` or `mysql://` URL; `None` for one without `://` (SQLite).
pub(crate) fn parts(url: &str) -> Option<UrlParts<'_>> {
    let scheme_end = url.find("://")? + 3;
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let rest = &base[scheme_end..];
    let (authority, database) = match rest.find('/') {
        Some(slash) => (&rest[..slash], &rest[slash + 1..]),
        None => (rest, ""),
    };
    let host_port = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if let Some(v6) = host_port.strip_prefix('[') {
        v6.split(']').next().unwrap_or_default().to_owned()
    } else {
        host_port
            .rsplit_once(':')
            .map_or(host_port, |(host, _)| host)
            .to_owned()
    };
    Some(UrlParts {
        prefix: &url[..scheme_end],
        authority,
        host,
        database,
        query,
    })
}

/// The URL with its database replaced by `database`, keeping credentials and parameters.
///
/// ```text
/// postgres://app:pw@db:5432/app?sslmode=require  ->  postgres://app:pw@db:5432/other?sslmode=require
/// ```
pub(crate) fn with_database(url: &str, database: &str) -> String {
    match parts(url) {
        Some(p) => {
            let query = p.query.map(|q| format!("?{q}")).unwrap_or_default();
            format!("{}{}/{database}{query}", p.prefix, p.authority)
        }
        None => url.to_owned(),
    }
}

/// A query parameter of the URL (`host`, `socket`), decoded only of `%2F`.
fn param<'a>(query: Option<&'a str>, key: &str) -> Option<&'a str> {
    query?
        .split('&')
        .filter_map(|p| p.split_once('='))
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .map(|(_, v)| v)
}

/// Where the URL's server is, for the development check: `Some(reason)` when it is this
/// machine (a SQLite file, a Unix socket, `localhost`, a loopback address), `None` otherwise.
pub(crate) fn local_server(url: &str) -> Option<String> {
    if url.to_ascii_lowercase().starts_with("sqlite:") {
        return Some("a SQLite file".into());
    }
    let p = parts(url)?;
    let socket = |path: &str| path.starts_with('/') || path.to_ascii_lowercase().starts_with("%2f");
    if let Some(path) = param(p.query, "host")
        .or_else(|| param(p.query, "socket"))
        .filter(|path| socket(path))
    {
        return Some(format!("the Unix socket {path}"));
    }
    let host = p.host.to_ascii_lowercase();
    if host.is_empty() {
        return Some("the local Unix socket".into());
    }
    if socket(&host) {
        return Some(format!("the Unix socket {host}"));
    }
    let loopback_v4 = host.strip_prefix("127.").is_some_and(|rest| {
        rest.split('.').count() == 3 && rest.split('.').all(|o| o.parse::<u8>().is_ok())
    });
    if host == "localhost" || host == "::1" || loopback_v4 {
        return Some(format!("host {host}"));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_and_replaces_the_database() {
        let p = parts("postgres://app:pw@db.internal:5433/app?sslmode=require").unwrap();
        assert_eq!(p.host, "db.internal");
        assert_eq!(p.database, "app");
        assert_eq!(
            with_database(
                "postgres://app:pw@db.internal:5433/app?sslmode=require",
                "x"
            ),
            "postgres://app:pw@db.internal:5433/x?sslmode=require"
        );
        assert_eq!(
            with_database("mysql://root@127.0.0.1:3306", "x"),
            "mysql://root@127.0.0.1:3306/x"
        );
        assert_eq!(
            with_database("postgres:///app?host=/var/run/postgresql", "x"),
            "postgres:///x?host=/var/run/postgresql"
        );
        assert_eq!(parts("postgres://[::1]:5432/app").unwrap().host, "::1");
    }

    #[test]
    fn local_servers() {
        for url in [
            "sqlite:app.db",
            "postgres://localhost/app",
            "postgres://u:p@127.0.0.1:5432/app",
            "mysql://root@127.0.0.2/app",
            "postgres://[::1]/app",
            "postgres:///app",
            "postgres://u@%2Fvar%2Frun%2Fpostgresql/app",
            "postgres://u@ignored/app?host=/var/run/postgresql",
            "mysql://root@localhost/app?socket=/run/mysqld/mysqld.sock",
        ] {
            assert!(local_server(url).is_some(), "{url}");
        }
        for url in [
            "postgres://db.example.com/app",
            "postgres://10.0.0.5/app",
            "mysql://root@127.0.0.1.example.com/app",
            "postgres://localhost.example.com/app",
        ] {
            assert!(local_server(url).is_none(), "{url}");
        }
    }
}
