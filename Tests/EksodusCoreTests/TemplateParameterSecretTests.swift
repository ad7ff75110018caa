import Foundation
import XCTest
@testable import EksodusCore

/// A Template parameter named as a credential (`DB_PASSWORD`, `API_TOKEN`) holds one whatever it is substituted into:
/// its value must not reach the inventory through a field that names no credential itself.
final class TemplateParameterSecretTests: XCTestCase {
    func testASecretParametersValueReachesNoStoredFieldWhereverItIsReferenced() throws {
        let canary = "CANARY-\(UInt64.random(in: 0..<UInt64.max))"
        let template = """
            apiVersion: template.openshift.io/v1
            kind: Template
            metadata: {name: shop, namespace: apps}
            parameters:
            - {name: DB_PASSWORD, value: "\(canary)-db"}
            - {name: API_TOKEN, value: "\(canary)-token"}
            - {name: APP_NAME, value: web}
            objects:
            - apiVersion: apps/v1
              kind: Deployment
              metadata:
                name: ${APP_NAME}
                annotations: {description: "connects with ${DB_PASSWORD}"}
                labels: {build: "${{API_TOKEN}}"}
              spec:
                selector: {matchLabels: {app: web}}
                template:
                  metadata: {labels: {app: web}}
                  spec:
                    containers:
                    - name: web
                      image: quay.io/shop/web:1.0
                      args: ["--config", "db=${DB_PASSWORD}"]
                      env: [{name: DB_URL, value: "postgres://db:5432/shop?sslmode=require&p=${DB_PASSWORD}"}, {name: SETTING, value: "${API_TOKEN}"}]
            - {apiVersion: v1, kind: ConfigMap, metadata: {name: settings}, data: {conf: "token ${API_TOKEN}"}}
            - {apiVersion: v1, kind: Service, metadata: {name: "${APP_NAME}"}, spec: {ports: [{port: 80}], selector: {app: web}}}
            """
        let database = try AppDatabase.inMemory()
        try importPaths([try writeManifests(["template.yaml": template], test: self).path], cluster: "ocp", into: database)
        XCTAssertEqual(try strings(database, "SELECT kind || '/' || name FROM resource ORDER BY 1"),
                       ["ConfigMap/settings", "Deployment/web", "Service/web", "Template/shop"], "a parameter that names no credential is substituted")
        XCTAssertFalse(try dump(database).contains(canary), "a credential parameter's value was stored")
        // Where it was referenced, the expanded object says a secret was there.
        let annotations = try XCTUnwrap(try strings(database, "SELECT annotations FROM resource WHERE kind = 'Deployment'").first)
        XCTAssertTrue(annotations.contains(SecretRedaction.marker), annotations)
    }
}
