import Foundation
import XCTest
@testable import EksodusCore

/// Everything under a sensitive key is masked; references to Secrets stay readable; a Secret of any case keeps no value.
final class RedactionTreeTests: XCTestCase {
    func testReferencesToSecretsAreNotMasked() throws {
        for key in ["secretKeyRef", "secretRef", "imagePullSecrets", "secrets", "secretName", "passwordSecretRef", "tokenSecretRef", "existingSecret"] {
            let object = ManifestNode.mapping([("kind", .string("Thing")), ("spec", .mapping([(key, .mapping([("name", .string("db-credentials"))]))]))])
            let redacted = ObjectRedaction.redact(object)
            XCTAssertEqual(redacted["spec", key, "name"]?.string, "db-credentials", key)
        }
    }

    func testEverythingUnderASensitiveKeyIsMasked() throws {
        let object = try XCTUnwrap(try ManifestText.objects("""
            kind: Thing
            spec: {passwords: [CANARY1], password: {value: CANARY2}, secretData: {x: CANARY3}}
            """).first)
        let text = JSONWriter.string(ObjectRedaction.redact(object))
        for canary in ["CANARY1", "CANARY2", "CANARY3"] { XCTAssertFalse(text.contains(canary), text) }
    }

    func testASecretOfAnyCaseKeepsOnlyWhatNamesIt() throws {
        let object = try XCTUnwrap(try ManifestText.objects("""
            apiVersion: v1
            kind: secret
            metadata: {name: lower}
            type: Opaque
            data: {k: Q0FOQVJZ}
            stringData: {k2: CANARYLOWERKIND}
            Data: {k3: CANARYCAPDATA}
            """).first)
        let redacted = ObjectRedaction.redact(object)
        XCTAssertEqual(redacted.entries.map(\.key), ["apiVersion", "kind", "metadata", "type"])
    }
}

final class BearerTokenTests: XCTestCase {
    func testTokensWithoutANameAreMasked() throws {
        let jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJDQU5BUllKV1QifQ.c2lnbmF0dXJlQ0FOQVJZ"
        let masked = try XCTUnwrap(SecretRedaction.maskedText("Authorization header: " + jwt))
        XCTAssertFalse(masked.contains(jwt), masked)
        let hook = try XCTUnwrap(SecretRedaction.maskedText("https://hooks.slack.com/services/T000/B000/CANARYSLACK"))
        XCTAssertEqual(hook, "https://hooks.slack.com/services/" + SecretRedaction.marker)
        XCTAssertNil(SecretRedaction.maskedText("an ordinary value with eyJ in it"))
        for name in ["GITHUB_PAT", "PIN", "STRIPE_SK"] { XCTAssertTrue(SecretRedaction.isSensitiveName(name), name) }
        for name in ["PATH", "DISK_SIZE", "SPINNER", "SKU"] { XCTAssertFalse(SecretRedaction.isSensitiveName(name), name) }
    }
}

final class ImageCredentialTests: XCTestCase {
    func testAPasswordWrittenIntoAnImageReferenceIsMasked() throws {
        let object = try XCTUnwrap(try ManifestText.objects("""
            kind: Pod
            spec: {containers: [{name: a, image: "u:CANARYIMGPASS@evil.io/d:1"}, {name: b, image: "nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"}]}
            """).first)
        let containers = ObjectRedaction.redact(object)["spec", "containers"]?.items ?? []
        XCTAssertEqual(containers.first?["image"]?.string, "u:\(SecretRedaction.marker)@evil.io/d:1")
        XCTAssertEqual(containers.last?["image"]?.string, "nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")
    }
}
