import XCTest
@testable import EksodusCore

/// The Secrets that other objects carry as templates: a SealedSecret's `spec.template` (bitnami sealed-secrets copies its
/// `data` into the Secret it unseals, in plain text), an ExternalSecret's `spec.target.template`, and the parameters an
/// OpenShift Template feeds into a Secret of its `objects`. Each is imported for real and looked for in every stored row.
final class SecretTemplateRedactionTests: XCTestCase {
    private func stored(_ yaml: String) throws -> String {
        let database = try AppDatabase.inMemory()
        try importPaths([try writeManifests(["objects.yaml": yaml], test: self).path], cluster: "c", into: database)
        return try dump(database)
    }

    func testASealedSecretsTemplateDataAndEncryptedDataKeepOnlyTheirKeys() throws {
        let canary = "CANARY\(UInt64.random(in: 0..<UInt64.max))"
        let rows = try stored("""
            apiVersion: bitnami.com/v1alpha1
            kind: SealedSecret
            metadata: {name: db, namespace: shop}
            spec:
              encryptedData: {password: AgB\(canary)sealed}
              template:
                type: Opaque
                metadata: {name: db, labels: {app: shop}}
                data:
                  plain-setting: "\(canary)-plain"
                  config.yaml: |
                    user: app
                    secret: {{ index . "password" }} \(canary)-block
            ---
            apiVersion: external-secrets.io/v1
            kind: ExternalSecret
            metadata: {name: api, namespace: shop}
            spec:
              secretStoreRef: {name: vault, kind: SecretStore}
              target:
                name: api
                template:
                  stringData: {url: "https://api.example.com/?k=\(canary)-eso"}
              data: [{secretKey: token, remoteRef: {key: shop/api}}]
            """)
        XCTAssertFalse(rows.contains(canary), "a Secret template's value or a sealed value reached the database")
        XCTAssertTrue(rows.contains(SecretRedaction.marker), "the values were masked")
        for key in ["plain-setting", "config.yaml", "password", "url"] {
            XCTAssertTrue(rows.contains(key), "the key \(key) stays, so the Secret's shape can still be planned")
        }
        XCTAssertTrue(rows.contains("shop/api"), "an ExternalSecret's remote references name secrets and stay")
    }

    func testATemplatesGeneratedParametersAndTheOnesASecretUsesAreMaskedEverywhere() throws {
        let canary = "CANARY\(UInt64.random(in: 0..<UInt64.max))"
        let rows = try stored("""
            apiVersion: template.openshift.io/v1
            kind: Template
            metadata: {name: shop, namespace: apps}
            parameters:
            - {name: APP_NAME, value: web}
            - {name: ADMIN_LOGIN, value: "\(canary)-login"}
            - {name: COOKIE, generate: expression, from: "[a-z0-9]{24}", value: "\(canary)-generated"}
            - {name: BRAND, value: acme}
            objects:
            - apiVersion: v1
              kind: Secret
              metadata: {name: "${APP_NAME}-admin", labels: {brand: "${BRAND}"}}
              stringData: {login: "${ADMIN_LOGIN}", cookie: "${{COOKIE}}"}
            - {apiVersion: v1, kind: ConfigMap, metadata: {name: "${APP_NAME}-settings"}, data: {who: "${ADMIN_LOGIN}", brand: "${BRAND}", c: "${COOKIE}"}}
            - apiVersion: apps/v1
              kind: Deployment
              metadata: {name: "${APP_NAME}"}
              spec:
                selector: {matchLabels: {app: web}}
                template:
                  metadata: {labels: {app: web}}
                  spec:
                    containers:
                    - name: web
                      image: quay.io/shop/web:1.0
                      env: [{name: LOGIN, value: "${ADMIN_LOGIN}"}, {name: SESSION, value: "${COOKIE}"}]
            """)
        XCTAssertFalse(rows.contains(canary), "a value a Secret of the Template uses, or a generated one, reached the database")
        XCTAssertTrue(rows.contains("web-settings") && rows.contains("web-admin"), "a parameter that only names a Secret is still substituted")
        XCTAssertTrue(rows.contains("acme"), "a parameter no Secret uses keeps its value")
        XCTAssertTrue(rows.contains("[a-z0-9]{24}"), "the generator's expression is no secret and stays")
    }
}
