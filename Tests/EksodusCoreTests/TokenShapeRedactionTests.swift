import XCTest
@testable import EksodusCore

/// Tokens known by their shape are masked under any name, as the scanner's table lists them; words and image names
/// that share a prefix stay.
final class TokenShapeRedactionTests: XCTestCase {
    private let m = SecretRedaction.marker

    func testProviderTokensUnderHarmlessNamesAreNotStored() throws {
        let tokens = [
            "sk-proj-Tq3vXb9LmN2pR7sK1wY4zA8cD5eF6gH0jJkLq_Zx-Vb",
            "sk-Ab12Cd34Ef56Gh78Ij90Kl12Mn34Op56Qr78St90Uv12Wx34",
            "sk-ant-api03-Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2Ji1Hg0FeDcBa_-Q1w2E3r4",
            "hvs.CAESIJx8w2Ky5m9Qp3Rt7Vn1Zb4Hd6Fg0Lj",
            "SG.Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op.Qr8St9Uv0Wx1Yz2Ab3Cd4Ef5Gh6Ij7Kl8Mn9Op0Qr1S",
            "npm_Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op8Qr9St0Uv1Wx2Y",
            "pypi-AgEIcHlwaS5vcmcCJGI4ZjM2YWQ0LTk1NzQtNDk3Ny1hN2Q4",
            "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",
            "dop_v1_0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9",
            "dapi0a1b2c3d4e5f60718293a4b5c6d7e8f9",
        ]
        let hooks = [
            ("https://discord.com/api/webhooks/1234567890/", "dIsCoRdWeBhOoKtOkEn_0123456789"),
            ("https://contoso.webhook.office.com/webhookb2/", "a1b2c3d4-e5f6@7890/IncomingWebhook/teamsSecret42/f00d"),
            ("https://hooks.zapier.com/hooks/catch/123456/", "zapSecret43/"),
            ("https://hooks.slack.com/services/", "T0000/B0000/slackHookSecret44"),
            ("https://api.telegram.org/bot1234567:", "AAHtelegramSecret45abcdefghijklmnopq"),
        ]
        let env = tokens.enumerated().map { "        - {name: SETTING_\($0.offset), value: \"\($0.element)\"}" }
            + hooks.enumerated().map { "        - {name: NOTIFY_\($0.offset), value: \"\($0.element.0)\($0.element.1)/sendMessage\"}" }
        let yaml = [
            "apiVersion: apps/v1", "kind: Deployment", "metadata: {name: bot, namespace: ai}", "spec:",
            "  selector: {matchLabels: {app: bot}}", "  template:", "    metadata: {labels: {app: bot}}", "    spec:", "      containers:",
            "      - name: bot", "        image: ghcr.io/acme/sk-learn-runner:1.4",
            "        args: [--model, \"\(tokens[0])\", --errors, \"https://0123456789abcdef0123456789abcdef@o1.ingest.sentry.io/1\", --errors-eu, \"https://shortSentryKey@o2.ingest.us.sentry.io/7\"]",
            "        env:",
        ] + env
        let folder = try writeManifests(["objects.yaml": yaml.joined(separator: "\n") + "\n"], test: self)
        let database = try AppDatabase.inMemory()
        try importPaths([folder.path], cluster: "c", into: database)
        let rows = try dump(database)
        for token in tokens {
            let body = String(token.suffix(20))
            XCTAssertFalse(rows.contains(body), "\(token) reached the database")
        }
        for hook in hooks { XCTAssertFalse(rows.contains(hook.1), "\(hook.0)… reached the database") }
        XCTAssertFalse(rows.contains("0123456789abcdef0123456789abcdef"), "a Sentry DSN's key reached the database")
        XCTAssertFalse(rows.contains("shortSentryKey"), "a Sentry DSN's key of any length is masked")
        XCTAssertTrue(rows.contains("@o2.ingest.us.sentry.io/7"), "the DSN's host and project stay")
        XCTAssertTrue(rows.contains("https://discord.com/api/webhooks/\(m)"), "the host and path prefix stay")
        XCTAssertTrue(rows.contains("ghcr.io/acme/sk-learn-runner:1.4"), "an image name is no token")
    }

    func testWordsAndImagesSharingAPrefixStay() {
        for text in ["sk-learn", "sk-cluster-2", "risk-assessment-service-0123456789abcdefghijklmnop", "task-runner",
                     "hvs.conf", "npm_config_cache=/tmp/npm", "pypi-mirror.internal", "shpat_", "dapi-gateway", "dapper-dan",
                     "SG.default", "robot123:run", "bot12:abc", "https://discord.com/channels/123/456",
                     "https://hooks.slack.com/", "registry.example.com/npm_tools/builder:2", "desk-0123456789abcdefghijklmnopqrstuvwxyz01"] {
            XCTAssertEqual(SecretRedaction.redactText(text), text, "\(text) is no token")
        }
        XCTAssertEqual(SecretRedaction.redactText("key sk-Ab12Cd34Ef56Gh78Ij90Kl12Mn34Op56 end"), "key sk-\(m) end")
        XCTAssertEqual(SecretRedaction.redactText("SG.Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op.Qr8St9Uv0Wx1Yz2Ab3Cd4Ef5Gh6Ij7Kl8Mn9Op0Qr1S"), "SG.\(m)")
    }
}
