import XCTest
@testable import EksodusCore

/// Deploy tools keep the object they applied in an annotation (kapp's `original`, Rancher/k3s wrangler's gzip+base64
/// `objectset.rio.cattle.io/applied`): on a Secret that is its data again. Imported for real, every row of every table is read.
final class AppliedObjectAnnotationsTests: XCTestCase {
    private func imported(_ yaml: String) throws -> AppDatabase {
        let folder = try writeManifests(["objects.yaml": yaml], test: self)
        let database = try AppDatabase.inMemory()
        try importPaths([folder.path], cluster: "c", into: database)
        return database
    }

    func testSecretAnnotationsKeepTheirKeysAndLoseEveryValue() throws {
        let rows = try dump(imported(#"""
            apiVersion: v1
            kind: Secret
            metadata:
              name: harbor-pull
              namespace: shop
              annotations:
                kapp.k14s.io/identity: v1;shop//Secret/harbor-pull;v1
                kapp.k14s.io/original: '{"apiVersion":"v1","data":{".dockerconfigjson":"eyJhdXRocyI6eyJyZWdpc3RyeS5leGFtcGxlLmNvbSI6eyJhdXRoIjoiYTJGd2NEcHJZWEJ3VUdGemN6SXgifX19"},"kind":"Secret"}'
                example.com/copied-from: "a2FwcDprYXBwUGFzczIx"
            type: kubernetes.io/dockerconfigjson
            data:
              .dockerconfigjson: eyJhdXRocyI6eyJyZWdpc3RyeS5leGFtcGxlLmNvbSI6eyJhdXRoIjoiYTJGd2NEcHJZWEJ3VUdGemN6SXgifX19
            ---
            apiVersion: v1
            kind: Secret
            metadata:
              name: identity-secrets
              namespace: identity
              annotations:
                objectset.rio.cattle.io/applied: H4sIAAAAAAACA1WLsQrCUAxFf6VktoO4CQ5dCwoiSO0Wm4BRXnw0oaDl/buNg+B4zzl3Bsxy5tHkqbCtYFrDqoKHKMU68TCyB0nsSOi40BkUE4cWYnXxV23fziIMZxmHvwDKYn53pCRaZzSLhjbt7ZrI+q49XrrDe39vdlDKB6pHeoOZAAAA
                objectset.rio.cattle.io/owner-gvk: k3s.cattle.io/v1, Kind=Addon
            type: Opaque
            data: {admin-pass: d3JhbmdsZXJQYXNzMjA=}
            """#))
        for value in ["eyJhdXRocyI6", "a2FwcDprYXBwUGFzczIx", "H4sIAAAAAAAC", "d3JhbmdsZXJQYXNzMjA", "v1;shop//Secret", "Kind=Addon"] {
            XCTAssertFalse(rows.contains(value), "\(value) reached the database")
        }
        XCTAssertTrue(rows.contains("kapp.k14s.io/identity") && rows.contains("example.com/copied-from")
                      && rows.contains("objectset.rio.cattle.io/owner-gvk"), "a Secret's annotation keys stay")
        XCTAssertTrue(rows.contains(SecretRedaction.marker), "their values are masked")
        XCTAssertTrue(rows.contains("admin-pass") && rows.contains(".dockerconfigjson"), "the Secrets' key names stay")
    }

    func testAnnotationsEmbeddingTheAppliedObjectAreDroppedFromEveryKind() throws {
        let database = try imported(#"""
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: app
              namespace: shop
              annotations:
                kapp.k14s.io/original: '{"kind":"ConfigMap","data":{"note":"kappOriginal22"}}'
                kapp.k14s.io/original-diff: '[{"op":"add","value":"kappDiff23"}]'
                kapp.k14s.io/original-diff-md5: 58e0494c51d30eb3494f7c9198986bb9
                banzaicloud.com/last-applied: UEsDBBQAbanzaiApplied24
                objectset.rio.cattle.io/applied: H4sIwranglerApplied25
            data: {mode: fast}
            """#)
        let rows = try dump(database)
        for value in ["kappOriginal22", "kappDiff23", "banzaiApplied24", "wranglerApplied25"] {
            XCTAssertFalse(rows.contains(value), "\(value) reached the database")
        }
        XCTAssertEqual(try strings(database, "SELECT annotations FROM resource WHERE kind = 'ConfigMap'"),
                       [#"{"kapp.k14s.io/original-diff-md5":"58e0494c51d30eb3494f7c9198986bb9"}"#],
                       "only the annotations that hold the object go; a ConfigMap's others keep their values")
    }
}
