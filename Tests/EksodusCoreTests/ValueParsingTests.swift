import XCTest
@testable import EksodusCore

final class ValueParsingTests: XCTestCase {
    func testImageReferenceNormalisation() {
        let cases: [(String, String, String, String?, String?, String)] = [
            ("nginx", "docker.io", "library/nginx", nil, nil, "docker.io/library/nginx:latest"),
            ("nginx:1.25", "docker.io", "library/nginx", "1.25", nil, "docker.io/library/nginx:1.25"),
            ("bitnami/redis:7.2", "docker.io", "bitnami/redis", "7.2", nil, "docker.io/bitnami/redis:7.2"),
            ("index.docker.io/library/busybox", "docker.io", "library/busybox", nil, nil, "docker.io/library/busybox:latest"),
            ("quay.io/prometheus/node-exporter:v1.8.0", "quay.io", "prometheus/node-exporter", "v1.8.0", nil, "quay.io/prometheus/node-exporter:v1.8.0"),
            ("harbor.corp.local:5000/team/api", "harbor.corp.local:5000", "team/api", nil, nil, "harbor.corp.local:5000/team/api:latest"),
            ("localhost/dev/app:1", "localhost", "dev/app", "1", nil, "localhost/dev/app:1"),
            ("busybox:1.38.0@sha256:fd8d9aa63ba2f0982b5304e1ee8d3b90a210bc1ffb5314d980eb6962f1a9715d", "docker.io", "library/busybox", "1.38.0",
             "sha256:fd8d9aa63ba2f0982b5304e1ee8d3b90a210bc1ffb5314d980eb6962f1a9715d",
             "docker.io/library/busybox:1.38.0@sha256:fd8d9aa63ba2f0982b5304e1ee8d3b90a210bc1ffb5314d980eb6962f1a9715d"),
            ("ghcr.io/acme/api@sha256:abc", "ghcr.io", "acme/api", nil, "sha256:abc", "ghcr.io/acme/api@sha256:abc"),
            ("172.30.17.139:5000/test/app:73214f", "172.30.17.139:5000", "test/app", "73214f", nil, "172.30.17.139:5000/test/app:73214f"),
        ]
        for (text, registry, repository, tag, digest, normalized) in cases {
            let image = ImageReference(text)
            XCTAssertEqual(image.registry, registry, text)
            XCTAssertEqual(image.repository, repository, text)
            XCTAssertEqual(image.tag, tag, text)
            XCTAssertEqual(image.digest, digest, text)
            XCTAssertEqual(image.normalized, normalized, text)
        }
        XCTAssertEqual(ImageReference("busybox").normalized, ImageReference("busybox:latest").normalized)
    }

    func testQuantities() {
        XCTAssertEqual(Quantity.millicores("250m"), 250)
        XCTAssertEqual(Quantity.millicores("1"), 1000)
        XCTAssertEqual(Quantity.millicores("0.5"), 500)
        // Binary fractions: 3800m is 3.8000000000000003 cores, and must not become 3801 millicores.
        for milli in [3800, 7800, 100, 1100, 2300, 4900, 15900] { XCTAssertEqual(Quantity.millicores("\(milli)m"), milli, "\(milli)m") }
        XCTAssertEqual(Quantity.millicores("1.1"), 1100)
        XCTAssertEqual(Quantity.millicores("0.0001"), 1, "a fraction of a millicore still rounds up")
        XCTAssertEqual(Quantity.bytes("1.1k"), 1100)
        XCTAssertEqual(Quantity.bytes("512Mi"), 536_870_912)
        XCTAssertEqual(Quantity.bytes("1G"), 1_000_000_000)
        XCTAssertEqual(Quantity.bytes("2e3"), 2000)
        XCTAssertEqual(Quantity.bytes("10Gi"), 10_737_418_240)
        XCTAssertNil(Quantity.bytes("lots"))
        XCTAssertEqual(Quantity.formatBytes(10_737_418_240), "10Gi")
        XCTAssertEqual(Quantity.formatBytes(1_610_612_736), "1.5Gi")
    }

    func testSensitiveEnvironmentNames() {
        for name in ["AWS_SECRET_ACCESS_KEY", "AWS_ACCESS_KEY_ID", "db-password", "GITHUB_TOKEN", "STRIPE_API_KEY", "MYSQL_ROOT_PASSWORD", "SENTRY_DSN"] {
            XCTAssertTrue(SecretRedaction.isSensitiveName(name), name)
        }
        for name in ["DB_HOST", "LOG_LEVEL", "PORT", "SPRING_PROFILES_ACTIVE", "KEYCLOAK_URL"] {
            XCTAssertFalse(SecretRedaction.isSensitiveName(name), name)
        }
    }

    func testURLPasswordsAreMasked() {
        XCTAssertEqual(SecretRedaction.redactURLPasswords("postgres://app:hunter2@db.shop.svc:5432/orders"),
                       "postgres://app:\(SecretRedaction.marker)@db.shop.svc:5432/orders")
        XCTAssertEqual(SecretRedaction.redactURLPasswords("http://catalogue:80/health"), "http://catalogue:80/health")
        XCTAssertEqual(SecretRedaction.redactURLPasswords("a=amqp://u:p@mq:5672 b=redis://:pw@cache:6379"),
                       "a=amqp://u:\(SecretRedaction.marker)@mq:5672 b=redis://:\(SecretRedaction.marker)@cache:6379")
    }

    func testJSONWriterReadsPlainScalarsAsKubernetesDoes() throws {
        let node = try XCTUnwrap(try parseObjects("""
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: x}
            data: {a: 1, b: "1", c: true, d: ~, e: 1.5, f: 0x1F, g: "quote\\"d", h: 010}
            """).first)
        XCTAssertEqual(JSONWriter.string(node["data"]!), #"{"a":1,"b":"1","c":true,"d":null,"e":1.5,"f":"0x1F","g":"quote\"d","h":10}"#)
    }
}

final class TableRendererTests: XCTestCase {
    let table = Table(columns: ["name", "replicas", "image"], rows: [
        [.text("web"), .integer(3), .text("nginx:1.27, \"quoted\"")],
        [.text("db"), .null, .text("postgres:16")],
    ])

    func testEveryFormatCarriesTheSameRows() throws {
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(TableRenderer.json(table).utf8)) as? [[String: Any]])
        XCTAssertEqual(json.count, 2)
        XCTAssertEqual(json[0]["replicas"] as? Int, 3)
        XCTAssertTrue(json[1]["replicas"] is NSNull)
        let parsed = try XCTUnwrap(try ManifestText.objects("rows:\n" + TableRenderer.yaml(table).split(separator: "\n").map { "  " + $0 }.joined(separator: "\n")).first)
        XCTAssertEqual(parsed["rows"]?.items.map { $0["name"]?.string }, ["web", "db"])
        XCTAssertEqual(parsed["rows"]?.items.first?["image"]?.string, "nginx:1.27, \"quoted\"")
        XCTAssertEqual(TableRenderer.csv(table), "name,replicas,image\r\nweb,3,\"nginx:1.27, \"\"quoted\"\"\"\r\ndb,,postgres:16\r\n")
        XCTAssertTrue(TableRenderer.text(table).hasPrefix("NAME   REPLICAS   IMAGE\n"))
    }
}
