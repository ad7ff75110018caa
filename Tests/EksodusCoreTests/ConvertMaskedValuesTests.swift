import Foundation
import XCTest
@testable import EksodusCore

/// The inventory masks credentials; `convert` must never deploy the marker in their place. A wholly masked env variable
/// reads a Secret synced from Secrets Manager; a mask inside a larger value holds its object back with a TODO.
extension ConvertTests {
    private static let maskedEstate = #"""
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: minio, namespace: app}
        spec:
          selector: {matchLabels: {app: minio}}
          template:
            metadata: {labels: {app: minio}}
            spec:
              containers:
              - name: minio
                image: quay.io/minio/minio:RELEASE.2024-01-01T00-00-00Z
                args: [server, /data]
                env:
                - {name: MINIO_ROOT_USER, value: admin}
                - {name: MINIO_ROOT_PASSWORD, value: "Str0ngRootPw!"}
                - {name: OPENAI_SETTING, value: "sk-Ab12Cd34Ef56Gh78Ij90Kl12Mn34Op56Qr78"}
        ---
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: db, namespace: app}
        spec:
          serviceName: db
          selector: {matchLabels: {app: db}}
          template:
            metadata: {labels: {app: db}}
            spec:
              containers:
              - name: postgres
                image: postgres:16
                env: [{name: POSTGRES_PASSWORD, value: "hunter2-real"}]
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: grafana, namespace: app}
        spec:
          selector: {matchLabels: {app: grafana}}
          template:
            metadata: {labels: {app: grafana}}
            spec:
              containers:
              - name: grafana
                image: grafana/grafana:11.1.0
                env: [{name: GF_DATABASE_URL, value: "postgres://grafana:urlPassword9@db:5432/grafana"}]
        ---
        apiVersion: v1
        kind: ConfigMap
        metadata: {name: broker, namespace: app}
        data: {RABBITMQ_URL: "amqp://shop:brokerPassword8@rabbitmq:5672/"}
        """#

    func testNoConvertedFileCarriesTheRedactionMarker() throws {
        let (_, _, files) = try convert([try writeManifests(["app.yaml": Self.maskedEstate], test: self).path])
        XCTAssertFalse(files.isEmpty)
        for (file, text) in files where !file.hasSuffix("CHANGES.md") {
            XCTAssertFalse(text.contains("<redacted"), "\(file) would deploy the redaction marker:\n\(text)")
        }
    }

    func testAWhollyMaskedEnvVariableReadsASecretSyncedFromSecretsManager() throws {
        let (_, _, files) = try convert([try writeManifests(["app.yaml": Self.maskedEstate], test: self).path])
        let (file, text) = try XCTUnwrap(files.first { $0.key.hasSuffix("workloads/deployment-app-minio.yaml") }, "\(files.keys.sorted())")
        let nodes = try ManifestText.objects(text, name: file)
        let secretName = MaskedValues.secretName(kind: "Deployment", namespace: "app", workload: "minio")
        let env = nodes.first?["spec", "template", "spec", "containers"]?.items.first?["env"]?.items ?? []
        XCTAssertEqual(env.first { $0["name"]?.string == "MINIO_ROOT_USER" }?["value"]?.string, "admin", "a plain value stays")
        let password = try XCTUnwrap(env.first { $0["name"]?.string == "MINIO_ROOT_PASSWORD" })
        XCTAssertNil(password["value"])
        XCTAssertEqual(password["valueFrom", "secretKeyRef", "name"]?.string, secretName)
        XCTAssertEqual(password["valueFrom", "secretKeyRef", "key"]?.string, "minio.MINIO_ROOT_PASSWORD")
        let token = try XCTUnwrap(env.first { $0["name"]?.string == "OPENAI_SETTING" }, "a token masked but its prefix is a credential whole")
        XCTAssertEqual(token["valueFrom", "secretKeyRef", "key"]?.string, "minio.OPENAI_SETTING")
        // The ExternalSecret making that Secret is applied with the workload, from the store every ExternalSecret uses.
        let external = try XCTUnwrap(nodes.first { $0["kind"]?.string == "ExternalSecret" })
        XCTAssertEqual(external["spec", "target", "name"]?.string, secretName)
        XCTAssertEqual(external["spec", "secretStoreRef", "name"]?.string, SecretsStore.name)
        // That store exists: the namespaced SecretStore of its own namespace (no ClusterSecretStore is ever made), though
        // the namespace holds no Secret of its own.
        XCTAssertEqual(external["spec", "secretStoreRef", "kind"]?.string, "SecretStore")
        let stores = try ManifestText.objects(try XCTUnwrap(files["src/" + SecretsStore.fileName], "no store file: \(files.keys.sorted())"))
        XCTAssertTrue(stores.contains { $0["kind"]?.string == "SecretStore" && $0["metadata", "namespace"]?.string == "app" && $0["metadata", "name"]?.string == SecretsStore.name })
        XCTAssertEqual(external["spec", "data"]?.items.first?["remoteRef", "key"]?.string, "src/app/\(secretName)")
        XCTAssertEqual(external["spec", "data"]?.items.first?["remoteRef", "property"]?.string, "minio.MINIO_ROOT_PASSWORD")
        // CHANGES.md says so, and its Secrets Manager commands create it from the operator's environment.
        let changes = try XCTUnwrap(files.first { $0.key.hasSuffix("CHANGES.md") && $0.value.contains(secretName) }?.value)
        XCTAssertFalse(changes.contains("## To do by hand\n\nNothing."), changes)
        XCTAssertTrue(changes.contains("Create Secrets Manager secret src/app/\(secretName)"), changes)
        let variable = ConvertedManifests.variableName(secret: "src/app/\(secretName)", index: 0)
        XCTAssertTrue(changes.contains("--name 'src/app/\(secretName)'") && changes.contains("$ENV.\(variable)"), changes)
        let statefulSet = try XCTUnwrap(try ManifestText.objects(try XCTUnwrap(files.first { $0.key.hasSuffix("workloads/statefulset-app-db.yaml") }?.value)).first)
        XCTAssertEqual(statefulSet["spec", "template", "spec", "containers"]?.items.first?["env"]?.items.first?["valueFrom", "secretKeyRef", "key"]?.string,
                       "postgres.POSTGRES_PASSWORD")
    }

    func testAMaskInsideALargerValueHoldsItsObjectBackWithATodo() throws {
        let (_, _, files) = try convert([try writeManifests(["app.yaml": Self.maskedEstate], test: self).path])
        XCTAssertNil(files.first { $0.key.hasSuffix("deployment-app-grafana.yaml") }, "grafana's URL holds a masked password")
        XCTAssertNil(files.first { $0.key.hasSuffix("configmap-app-broker.yaml") }, "the broker URL holds a masked password")
        let changes = files.filter { $0.key.hasSuffix("CHANGES.md") }.map(\.value).joined(separator: "\n")
        XCTAssertTrue(changes.contains("Deployment app/grafana not written (held until decided"), changes)
        XCTAssertTrue(changes.contains("containers[grafana].env[GF_DATABASE_URL].value"), changes)
        XCTAssertTrue(changes.contains("ConfigMap app/broker not written (held until decided") && changes.contains("data.RABBITMQ_URL"), changes)
    }
}
