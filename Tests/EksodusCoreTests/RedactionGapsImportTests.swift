import XCTest
@testable import EksodusCore

/// The forms a second review found the pass missing, each imported for real into an in-memory database and looked for
/// in every row stored; and their near misses (`user:group`, `host:port`), which must stay as written.
final class RedactionGapsImportTests: XCTestCase {
    /// Imports `yaml` and returns every row of every table as text.
    private func stored(_ yaml: String) throws -> String {
        try dump(imported(yaml))
    }

    private func imported(_ yaml: String) throws -> AppDatabase {
        let folder = try writeManifests(["objects.yaml": yaml], test: self)
        let database = try AppDatabase.inMemory()
        try importPaths([folder.path], cluster: "c", into: database)
        return database
    }

    private func assertNotStored(_ secrets: [String], in rows: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertTrue(rows.contains(SecretRedaction.marker), "something was masked", file: file, line: line)
        for secret in secrets {
            XCTAssertFalse(rows.contains(secret), "\(secret) reached the database", file: file, line: line)
        }
    }

    func testPasswordFileLinesUnderAnyKeyLoseTheirPasswords() throws {
        let rows = try stored(#"""
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: pg, namespace: shop}
            data:
              passfile: "user-db:5432:orders:app:pgpassOne1\n"
              setup.sh: |
                #!/bin/sh
                cat > ~/.pgpass <<EOF
                user-db:5432:*:app:pgpassTwo2
                EOF
                chmod 600 ~/.pgpass
                echo replica:5432:orders:app:pgpassThree3 >> ~/.pgpass
                echo "started at 12:30:45 on 00:11:22:33:44:55"
              hosts: "cache:6379\nreplica-db:5432:orders\n"
            """#)
        assertNotStored(["pgpassOne1", "pgpassTwo2", "pgpassThree3"], in: rows)
        XCTAssertTrue(rows.contains(">> ~/.pgpass"), "an echoed line's password ends with its word")
        XCTAssertTrue(rows.contains("12:30:45 on 00:11:22:33:44:55"), "times and MAC addresses are no password lines")
        XCTAssertTrue(rows.contains("cache:6379") && rows.contains("replica-db:5432:orders"), "host:port and shorter lines stay")
        XCTAssertTrue(rows.contains("user-db:5432:orders:app:"), "the host, port, database and user stay")
    }

    func testNetrcDefaultEntriesLoseTheirPasswords() throws {
        let rows = try stored(#"""
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: netrc, namespace: shop}
            data:
              netrc: "default login ci password netrcDefault3\n"
              fetch.sh: "printf 'default login ci password netrcDefault4' > ~/.netrc"
            """#)
        assertNotStored(["netrcDefault3", "netrcDefault4"], in: rows)
        XCTAssertTrue(rows.contains("default login ci password"))
    }

    func testBlockListsUnderSensitiveKeysLoseEveryItem() throws {
        let rows = try stored(#"""
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: app, namespace: shop}
            data:
              app.yaml: |
                users:
                  - alice
                passwords:
                  - hunter2list
                  - "s3cretList"
                host: user-db
            """#)
        assertNotStored(["hunter2list", "s3cretList"], in: rows)
        XCTAssertTrue(rows.contains("alice"), "a list under a plain key stays")
        XCTAssertTrue(rows.contains("host: user-db"), "the key after the list stays")
    }

    func testAttachedCurlUserPasswordsAreMasked() throws {
        let rows = try stored(#"""
            apiVersion: v1
            kind: Pod
            metadata: {name: fetch, namespace: shop}
            spec:
              containers:
              - name: fetch
                image: curlimages/curl:8.10.1
                command: [sh, -c, "curl -fsS -uci:curlAttached5 https://repo/a && curl --user ci:curlSpaced6 https://repo/b"]
                args: [curl, "-uci:curlItem7", "--user=ci:curlItem8", https://repo/c]
                env:
                - {name: CURL_OPTS, value: "-uci:curlEnv9"}
                - {name: RUN_AS, value: "-u 1000:1000"}
                - {name: UPSTREAM, value: "--user app --url user-db:5432"}
            """#)
        assertNotStored(["curlAttached5", "curlSpaced6", "curlItem7", "curlItem8", "curlEnv9"], in: rows)
        XCTAssertTrue(rows.contains("-uci:"), "the user stays")
        XCTAssertTrue(rows.contains("-u 1000:1000"), "a uid:gid is no password")
        XCTAssertTrue(rows.contains("user-db:5432"), "a host:port is no password")
    }

    func testNodeTaintsAndLabelsNamedLikeCredentialsLoseTheirValues() throws {
        let database = try imported(#"""
            apiVersion: v1
            kind: Node
            metadata:
              name: worker-1
              labels: {kubernetes.io/hostname: worker-1, example.com/api-token: labelToken10, example.com/auth: enabled}
            spec:
              taints:
              - {key: example.com/api-token, value: taintToken11, effect: NoSchedule}
              - {key: dedicated, value: gpu, effect: NoSchedule}
            """#)
        assertNotStored(["labelToken10", "taintToken11"], in: try dump(database))
        let m = SecretRedaction.marker
        XCTAssertEqual(try strings(database, "SELECT labels FROM resource WHERE kind = 'Node'"),
                       [#"{"kubernetes.io/hostname":"worker-1","example.com/api-token":"\#(m)","example.com/auth":"enabled"}"#],
                       "a plain word under a credential-like label key is a setting and stays")
        XCTAssertEqual(try strings(database, "SELECT taints FROM node"),
                       [#"[{"key":"example.com/api-token","value":"\#(m)","effect":"NoSchedule"},{"key":"dedicated","value":"gpu","effect":"NoSchedule"}]"#])
    }
}
