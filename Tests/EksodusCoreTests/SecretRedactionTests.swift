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

    /// The forms a review found the pass missing: credentials in curl/wget arguments, tokens as URL users,
    /// credential files, `key:value` lines, structures under sensitive keys, and tokens known by their shape.
    func testTextMasksCommandFilesAndTokenShapes() {
        let ghp = "ghp_" + String(repeating: "aB3", count: 12)
        let awsSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
        let cases: [(String, String)] = [
            ("curl -fsS -u ci:s3cret https://repo/a", "curl -fsS -u ci:\(m) https://repo/a"),
            ("curl --user 'ci:s3 cret' https://repo/a", "curl --user 'ci:\(m)' https://repo/a"),
            ("curl --proxy-user=p:s3cret https://repo/a", "curl --proxy-user=p:\(m) https://repo/a"),
            ("wget --user=ci --password=s3cret --http-password s3cret https://repo/a",
             "wget --user=ci --password=\(m) --http-password \(m) https://repo/a"),
            ("https://\(ghp)@github.com/o/r.git", "https://\(m)@github.com/o/r.git"),
            ("https://0123456789abcdef0123456789abcdef01234567@git.corp/r.git", "https://\(m)@git.corp/r.git"),
            ("machine git.corp login ci password s3cret\n", "machine git.corp login ci password \(m)\n"),
            ("machine git.corp\n  login ci\n  password s3cret\n", "machine git.corp\n  login ci\n  password \(m)\n"),
            ("host:db\npassword:hunter2\nport:5432\n", "host:db\npassword:\(m)\nport:5432\n"),
            (#"{"passwords": ["a", "b"], "port": 5432}"#, #"{"passwords": ["\#(m)", "\#(m)"], "port": 5432}"#),
            (#"{"credentials": {"user": "u", "enabled": true, "keys": [1, null]}}"#,
             #"{"credentials": {"user": "\#(m)", "enabled": true, "keys": [\#(m), null]}}"#),
            ("apiTokens: [a, b]\nhost: db\n", "apiTokens: [\(m), \(m)]\nhost: db\n"),
            (#"{"passwords":["a","b"],"pin":1234,"port":5432}"#, #"{"passwords":["\#(m)","\#(m)"],"pin":\#(m),"port":5432}"#),
            ("use \(ghp) now", "use ghp_\(m) now"),
            ("github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuv", "github_pat_\(m)"),
            ("glpat-abcdefghij0123456789 x", "glpat-\(m) x"),
            ("slack xoxb-1234567890-abcdefghijklmnop", "slack xoxb-\(m)"),
            ("stripe sk_live_abcdefghijklmnop0123 x", "stripe sk_live_\(m) x"),
            ("key=AIzaSyA-abcdefghijklmnopqrstuvwxyz01234", "key=AIza\(m)"),
            ("AKIAIOSFODNN7EXAMPLE \(awsSecret)\n", "AKIA\(m) \(m)\n"),
            ("[\"AKIAIOSFODNN7EXAMPLE\", \"\(awsSecret)\"]", "[\"AKIA\(m)\", \"\(m)\"]"),
            ("aws configure set aws_secret_access_key \(awsSecret) && aws s3 ls", "aws configure set aws_secret_access_key \(m) && aws s3 ls"),
            (#"{"pk": "-----BEGIN PRIVATE KEY-----\nMIIEv\n-----END PRIVATE KEY-----\n"}"#,
             #"{"pk": "-----BEGIN PRIVATE KEY-----\#(m)-----END PRIVATE KEY-----\n"}"#),
        ]
        for (input, expected) in cases {
            XCTAssertEqual(SecretRedaction.redactText(input), expected, input)
        }
        XCTAssertEqual(SecretRedaction.maskedPasswordFile("# host:port:db:user:password\ndb:5432:*:app:pw\nh\\:x:1:d:u:p:w\n"),
                       "# host:port:db:user:password\ndb:5432:*:app:\(m)\nh\\:x:1:d:u:\(m)\n")
        XCTAssertNil(SecretRedaction.maskedPasswordFile("no password here\n"))
    }

    /// Presigned URLs carry their signature (and an STS session token) in the query, and an HTTP Basic value its
    /// base64 `user:password` with no `Authorization:` before it: both are masked, their near misses are not.
    func testTextMasksSignedURLQueriesAndBareBasicCredentials() {
        let basic = "Y2k6czNjcmV0LXBhc3M="  // ci:s3cret-pass
        let cases: [(String, String)] = [
            ("https://b.s3.eu-west-1.amazonaws.com/k.tgz?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20261201%2Feu-west-1%2Fs3%2Faws4_request"
                + "&X-Amz-Date=20261201T000000Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Security-Token=IQoJb3JpZ2luX2VjEJr"
                + "&X-Amz-Signature=fe5f80f77d5fa3beca038a248ff027d0445342fe2855ddc963176630326f1024",
             "https://b.s3.eu-west-1.amazonaws.com/k.tgz?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=\(m)"
                + "&X-Amz-Date=20261201T000000Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Security-Token=\(m)&X-Amz-Signature=\(m)"),
            ("https://storage.googleapis.com/b/o?X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Credential=sa%40p.iam.gserviceaccount.com%2F20261201"
                + "&X-Goog-Signature=8a1b2c3d4e5f60718293a4b5c6d7e8f9 next",
             "https://storage.googleapis.com/b/o?X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Credential=\(m)&X-Goog-Signature=\(m) next"),
            ("https://acct.blob.core.windows.net/c/b?sv=2022-11-02&se=2026-12-31&sp=r&sig=abcDEF123%2Bxyz%3D",
             "https://acct.blob.core.windows.net/c/b?sv=2022-11-02&se=2026-12-31&sp=r&sig=\(m)"),
            ("https://d111.cloudfront.net/a.mp4?Expires=1790000000&Signature=Abc~Def-Ghi__&Key-Pair-Id=K2JCJMDEHXQW5F",
             "https://d111.cloudfront.net/a.mp4?Expires=1790000000&Signature=\(m)&Key-Pair-Id=K2JCJMDEHXQW5F"),
            ("Basic \(basic)", "Basic \(m)"),
            ("curl -H 'X-Upstream: Basic \(basic)' https://repo/a", "curl -H 'X-Upstream: Basic \(m)' https://repo/a"),
            ("webhook:\n  header: basic \(basic)\n", "webhook:\n  header: basic \(m)\n"),
        ]
        for (input, expected) in cases {
            XCTAssertEqual(SecretRedaction.redactText(input), expected, input)
        }
        for unchanged in ["Basic auth is enabled for the docs", "basic tier", "Basic Authentication", "Basic dGVzdGluZ3M=",
                          "https://docs.corp/x?design=sig&signal=2&page=1", "config sig=1", "https://x/y?assignature=3",
                          "https://b.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=3600"] {
            XCTAssertEqual(SecretRedaction.redactText(unchanged), unchanged)
        }
    }

    /// Near misses of those forms: structure words, image references and digests, ports, plain URLs, versions, ids.
    func testTextKeepsWhatOnlyLooksLikeACredential() {
        for unchanged in ["topologyKey: kubernetes.io/hostname", "passwordPolicy: strict", "tokenTTL: 3600", "routing_key=orders",
                          "image: harbor.corp/shop/orders:1.4", "image: nginx@sha256:0b9f0c3e5d2a4b6c8e1f3a5b7c9d0e2f4a6b8c0d1e3f5a7b9c0d2e4f6a8b0c1d",
                          "sidecar: vault-secret:1.2.3\nhost: db", "upstream:user-db:5432\nlisten:8080\n", "https://docs.corp/x?page=2#a",
                          "version: 1.4.2", "docker run -u 1000:1000 --user app", "python -u http://example.com/x", "curl -u ci https://repo",
                          "https://git@github.com/o/r.git", "https://jenkins-deploy-user@git.corp/r", "ghp_short", "sk_live_x",
                          "commit 3f786850e387550fdab836ed7e6dc881de23001b", "AKIAIOSFODNN7EXAMPLEX", "the password is in vault",
                          "noghp_aB3aB3aB3aB3aB3aB3aB3aB3aB3aB3aB3aB3", "hostname: AKIA-gateway"] {
            XCTAssertEqual(SecretRedaction.redactText(unchanged), unchanged)
        }
        XCTAssertFalse(SecretRedaction.isSensitiveKey("topologyKey"))
        XCTAssertFalse(SecretRedaction.isSensitiveKey("passwordPolicy"))
        XCTAssertTrue(SecretRedaction.isSensitiveKey("sshKey"))
        XCTAssertTrue(SecretRedaction.isSensitiveKey("passwordHash"))
    }

    /// The second review's forms, as text, beside their near misses: `user:group`, `host:port`, times, MAC and IPv6
    /// addresses, prose about defaults, lists under plain keys, keys that end their line with nothing indented below.
    func testTextMasksPasswordLinesNetrcDefaultsBlockListsAndAttachedUsers() {
        let cases: [(String, String)] = [
            ("h:5432:db:u:pw\n", "h:5432:db:u:\(m)\n"),
            ("echo '*:*:*:app:s3 cret' > ~/.pgpass", "echo '*:*:*:app:\(m)' > ~/.pgpass"),
            ("default login ci password s3cret\n", "default login ci password \(m)\n"),
            ("default\n  login ci\n  password s3cret\n", "default\n  login ci\n  password \(m)\n"),
            ("passwords:\n  - a1\n  - \"b 2\"\nhost: db\n", "passwords:\n  - \(m)\n  - \"\(m)\"\nhost: db\n"),
            ("tokens:\n- a1\nnext: 1\n", "tokens:\n- \(m)\nnext: 1\n"),
            ("credentials:\n  user: app\n  enabled: true\n  key: ~\n", "credentials:\n  user: \(m)\n  enabled: true\n  key: ~\n"),
            ("- name: x\n  secrets:\n  - s1\n  port: 80\n", "- name: x\n  secrets:\n  - \(m)\n  port: 80\n"),
            ("curl -uci:s3cret https://repo/a", "curl -uci:\(m) https://repo/a"),
            ("curl -u\"ci:s3 cret\" https://repo/a", "curl -u\"ci:\(m)\" https://repo/a"),
        ]
        for (input, expected) in cases {
            XCTAssertEqual(SecretRedaction.redactText(input), expected, input)
        }
        for unchanged in ["chown -R app:app /data", "docker run -u1000:1000 x", "mysql -uroot shop", "python -uc 'print(1)'",
                          "curl -uhttp://x", "db:5432:orders:app\n", "fe80::1:2:3:4\n", "mac 00:11:22:33:44:55\n",
                          "at 12:30:45:00:01\n", "image: nginx:1.25:a:b:c\n", "the default password is in vault",
                          "users:\n  - alice\nhost: db\n", "password:\nhost: db\n", "echo password:\n  ls\n"] {
            XCTAssertEqual(SecretRedaction.redactText(unchanged), unchanged, unchanged)
        }
    }

    func testArgumentListsMaskCurlUserPasswordsOnly() throws {
        let object = try XCTUnwrap(try parseObjects("""
            apiVersion: v1
            kind: Pod
            metadata: {name: fetch}
            spec:
              containers:
              - name: fetch
                image: curlimages/curl:8.10.1
                args: [curl, -u, "ci:s3cret", --user, "1000:1000", -u, "http://x", --proxy-user, "p:pw", "https://repo/a"]
            """).first)
        let args = ObjectRedaction.redact(object)["spec", "containers"]?.items.first?["args"]?.items.compactMap(\.string)
        XCTAssertEqual(args, ["curl", "-u", "ci:\(m)", "--user", "1000:1000", "-u", "http://x", "--proxy-user", "p:\(m)", "https://repo/a"])
    }

    func testPasswordFilesInConfigMapsKeepTheirHosts() throws {
        let object = try XCTUnwrap(try parseObjects("""
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: pg}
            data:
              .pgpass: "db:5432:orders:app:s3cret\\n"
              notes: "db:5432:orders:app:s3cret"
              hosts: "db:5432:orders:app"
            """).first)
        let redacted = ObjectRedaction.redact(object)
        XCTAssertEqual(redacted["data", ".pgpass"]?.string, "db:5432:orders:app:\(m)\n")
        // The line's shape (a port in the second field) makes it a password line under any key; one field fewer is not.
        XCTAssertEqual(redacted["data", "notes"]?.string, "db:5432:orders:app:\(m)")
        XCTAssertEqual(redacted["data", "hosts"]?.string, "db:5432:orders:app")
    }
}
