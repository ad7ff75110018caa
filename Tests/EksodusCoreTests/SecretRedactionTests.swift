import XCTest
@testable import EksodusCore

/// The rules of the redaction pass, one by one: which names are credentials, what in a text is masked,
/// and which parts of an object are left alone because the planner reads them.
final class SecretRedactionTests: XCTestCase {
    let m = SecretRedaction.marker

    func testSensitiveNamesMatchWholeWordsAndSegments() {
        for name in ["DB_PASS", "dbPass", "PGPASSWORD", "MYSQL_ROOT_PASSWORD", "db.password", "DB_PWD", "pwd", "BASIC_AUTH", "authToken",
                     "CLIENT_CREDENTIALS", "REDIS_CREDS", "PRIVATE_KEY", "STRIPE_KEY", "tls.key", "sshKeys", "api-key", "apiKey",
                     "--client-secret", "Authorization", "SENTRY_DSN", "AWS_SECRET_ACCESS_KEY"] {
            XCTAssertTrue(SecretRedaction.isSensitiveName(name), name)
        }
        for name in ["PASSIVE_MODE", "passiveMode", "COMPASS_URL", "AUTHOR", "OAUTH_CLIENT_ID", "key", "KEYCLOAK_URL", "MONKEY_COUNT",
                     "USER_DB_HOST", "--port", "LOG_LEVEL"] {
            XCTAssertFalse(SecretRedaction.isSensitiveName(name), name)
        }
    }

    func testReferencesAndStructureAreNotCredentials() {
        for key in ["secretName", "DB_PASSWORD_FILE", "csi.storage.k8s.io/provisioner-secret-namespace", "tokenExpirationSeconds"] {
            XCTAssertFalse(SecretRedaction.isSensitiveKey(key), key)
        }
        XCTAssertTrue(SecretRedaction.isSensitiveKey("tls.key"))
        XCTAssertFalse(SecretRedaction.isSensitiveField("topologyKey"))
        XCTAssertTrue(SecretRedaction.isSensitiveField("adminPassword"))
    }

    func testTextMasksOnlyTheValue() {
        let cases: [(String, String)] = [
            ("export PGPASSWORD=s3cret; psql -h user-db", "export PGPASSWORD=\(m); psql -h user-db"),
            ("mysql --password s3cret -h db", "mysql --password \(m) -h db"),
            ("run --admin-password=\"a b\" --port 80", "run --admin-password=\"\(m)\" --port 80"),
            ("--token 'x y z'", "--token '\(m)'"),
            ("-Xmx1g -Dspring.datasource.password=s3cret -Dx=1", "-Xmx1g -Dspring.datasource.password=\(m) -Dx=1"),
            ("host=db\ndb.password=two words\nport=1\n", "host=db\ndb.password=\(m)\nport=1\n"),
            ("[db]\npassword = s3cret\n", "[db]\npassword = \(m)\n"),
            ("db:\n  password: s3cret\n  host: db\n", "db:\n  password: \(m)\n  host: db\n"),
            (#"{"password": "s\"3", "host": "db"}"#, #"{"password": "\#(m)", "host": "db"}"#),
            ("GET /x?access_token=abc&page=2", "GET /x?access_token=\(m)&page=2"),
            ("postgres://app:pw@user-db:5432/orders", "postgres://app:\(m)@user-db:5432/orders"),
            ("a\n-----BEGIN EC PRIVATE KEY-----\nMHcC\n-----END EC PRIVATE KEY-----\nb",
             "a\n-----BEGIN EC PRIVATE KEY-----\(m)-----END EC PRIVATE KEY-----\nb"),
            ("db:\n  password: |\n    line one\n    line two\n  host: db\n", "db:\n  password: |\n    \(m)\n  host: db\n"),
            ("mysqladmin ping -uroot -ps3cret -h db", "mysqladmin ping -uroot -p\(m) -h db"),
            ("mariadb -u app -p\"s3 cret\" shop", "mariadb -u app -p\"\(m)\" shop"),
            ("<server><id>repo</id><password>s3cret</password></server>", "<server><id>repo</id><password>\(m)</password></server>"),
            ("<Resource name=\"jdbc/db\" password=\"s3cret\"/>", "<Resource name=\"jdbc/db\" password=\"\(m)\"/>"),
        ]
        for (input, expected) in cases {
            XCTAssertEqual(SecretRedaction.redactText(input), expected, input)
        }
        for unchanged in ["user-db:27017", "http://catalogue:80/health", "nginx:1.25", "GF_AUTH_BASIC_ENABLED=true", "--port 8080",
                          "\"basicAuth\": false", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----", "time: 12:30",
                          "DB_PASSWORD_FILE=/run/secrets/db", "--password --verbose", "redis-server -p6379", "mysql -p shop"] {
            XCTAssertEqual(SecretRedaction.redactText(unchanged), unchanged)
        }
    }

    /// Random text around a planted credential never crashes the pass, and the planted value never survives it.
    func testTextPassSurvivesHostileText() {
        let pieces = ["-", "--", "=", ":", ": ", " ", "\"", "'", "\\", "\n", "\r", "/", "://", "@", "|", ">", "<", "x", "é", "{", "[",
                      "pass", "word", "token", "-----BEGIN ", "PRIVATE KEY", "-----", "-----END", "<password>", "$(", ";", "&"]
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        func noise() -> String { (0..<next(12)).map { _ in pieces[next(pieces.count)] }.joined() }
        for round in 0..<5_000 {
            let planted = "Planted\(round)Value"
            let forms = [" password=\(planted) ", " --password \(planted) ", "\npassword: \(planted)\n", " \"password\": \"\(planted)\" ",
                         " postgres://u:\(planted)@h/db ", " <password>\(planted)</password> "]
            let text = noise() + forms[round % forms.count] + noise()
            let masked = SecretRedaction.redactText(text)
            XCTAssertFalse(masked.contains(planted), text)
            _ = SecretRedaction.redactText(noise())
        }
    }

    func testObjectPassKeepsWhatThePlannerReads() throws {
        let object = try XCTUnwrap(try parseObjects("""
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
              annotations: {example.com/api-token: t0k, example.com/db: "redis://:pw@cache:6379", owner: team-a}
            spec:
              selector: {matchLabels: {auth: enabled}}
              template:
                metadata:
                  labels: {auth: enabled}
                  annotations: {kubectl.kubernetes.io/last-applied-configuration: '{"secret":"x"}'}
                spec:
                  automountServiceAccountToken: false
                  affinity: {podAntiAffinity: {requiredDuringSchedulingIgnoredDuringExecution: [{topologyKey: kubernetes.io/hostname}]}}
                  volumes: [{name: creds, secret: {secretName: web-credentials}}]
                  containers:
                  - name: web
                    image: web:1.0
                    args: [--password, hunter2, --port, "8080", --token, --verbose]
                    env:
                    - {name: DB_PASS, value: hunter2}
                    - {name: GF_AUTH_BASIC_ENABLED, value: "true"}
                    - {name: USER_DB_HOST, value: "user-db:27017"}
                    - {name: API_KEY, valueFrom: {secretKeyRef: {name: web-credentials, key: API_KEY}}}
                  - name: backup
                    image: mysql:8
                    command: [mysqldump, -uroot, -phunter2, --all-databases]
                  - name: cache
                    image: redis:7
                    args: [-p6379]
            """).first)
        let redacted = ObjectRedaction.redact(object)
        XCTAssertEqual(redacted["metadata", "annotations"], .mapping([
            ("example.com/api-token", .scalar(m, plain: false)), ("example.com/db", .scalar("redis://:\(m)@cache:6379", plain: false)),
            ("owner", .scalar("team-a", plain: true)),
        ]))
        let template = try XCTUnwrap(redacted["spec", "template"])
        XCTAssertNil(template["metadata", "annotations", ObjectRedaction.lastAppliedConfiguration])
        XCTAssertEqual(template["metadata", "labels", "auth"]?.string, "enabled")
        XCTAssertEqual(redacted["spec", "selector", "matchLabels", "auth"]?.string, "enabled")
        let spec = try XCTUnwrap(template["spec"])
        XCTAssertEqual(spec["automountServiceAccountToken"]?.bool, false)
        XCTAssertEqual(spec["affinity"], object["spec", "template", "spec", "affinity"])
        XCTAssertEqual(spec["volumes"], object["spec", "template", "spec", "volumes"])
        let container = try XCTUnwrap(spec["containers"]?.items.first)
        XCTAssertEqual(container["args"]?.items.compactMap(\.string), ["--password", m, "--port", "8080", "--token", "--verbose"])
        XCTAssertEqual(container["env"]?.items.compactMap { $0["value"]?.string }, [m, "true", "user-db:27017"])
        XCTAssertEqual(container["env"]?.items.last, object["spec", "template", "spec", "containers"]?.items.first?["env"]?.items.last)
        let others = spec["containers"]?.items.dropFirst() ?? []
        XCTAssertEqual(others.first?["command"]?.items.compactMap(\.string), ["mysqldump", "-uroot", "-p" + m, "--all-databases"])
        XCTAssertEqual(others.last?["args"]?.items.compactMap(\.string), ["-p6379"])
    }

    func testSecretsInsideOtherObjectsKeepNoValues() throws {
        let template = try XCTUnwrap(try parseObjects("""
            apiVersion: template.openshift.io/v1
            kind: Template
            metadata: {name: app}
            objects:
            - apiVersion: v1
              kind: Secret
              metadata: {name: app}
              stringData: {connection: hunter2}
            - apiVersion: v1
              kind: ConfigMap
              metadata: {name: app}
              data: {connection: "db:5432"}
            """).first)
        let objects = ObjectRedaction.redact(template)["objects"]?.items ?? []
        XCTAssertEqual(objects.count, 2)
        XCTAssertNil(objects.first?["stringData"])
        XCTAssertEqual(objects.last?["data", "connection"]?.string, "db:5432")
    }

    func testSecretsHelmReleasesAndBinaryDataKeepOnlyTheirKeys() throws {
        let objects = try parseObjects("""
            apiVersion: v1
            kind: Secret
            metadata: {name: s}
            data: {password: aHVudGVyMg==}
            stringData: {token: hunter2}
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: shop.v1, labels: {OWNER: TILLER, NAME: shop}}
            data: {release: H4sIAAAAAAAC}
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: app}
            data: {LOG_LEVEL: info, ORDERS_DB_PASSWORD: hunter2, ca.pem: "-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----"}
            binaryData: {keystore.p12: aHVudGVyMg==}
            """)
        let redacted = objects.map(ObjectRedaction.redact)
        XCTAssertNil(redacted[0]["data"])
        XCTAssertNil(redacted[0]["stringData"])
        XCTAssertEqual(redacted[1]["data", "release"]?.string, m)
        XCTAssertEqual(redacted[2]["data", "LOG_LEVEL"]?.string, "info")
        XCTAssertEqual(redacted[2]["data", "ORDERS_DB_PASSWORD"]?.string, m)
        XCTAssertEqual(redacted[2]["data", "ca.pem"], objects[2]["data", "ca.pem"])
        XCTAssertEqual(redacted[2]["binaryData", "keystore.p12"]?.string, m)
    }
}
