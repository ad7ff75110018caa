import Foundation
import XCTest
@testable import EksodusCore

/// A registry world for the image script and the wave's `images:` step, in stubs: `skopeo` resolves every source tag to
/// `sha256:` + SHA-256 of the source repository's name (so each source has bytes of its own), copies into files standing
/// for ECR tags and refuses to move one (ECR's immutable tags); `aws` answers what the script asks.
struct ImageScriptStubs {
    let folder: URL
    var bin: URL { folder.appendingPathComponent("bin") }
    var state: URL { folder.appendingPathComponent("ecr") }

    init(test: XCTestCase) throws {
        folder = try temporaryFolder(test)
        for made in [folder.appendingPathComponent("bin"), folder.appendingPathComponent("ecr")] {
            try FileManager.default.createDirectory(at: made, withIntermediateDirectories: true)
        }
        try write("skopeo", #"""
            #!/bin/bash
            # The last arguments are the references; docker:// is dropped, / : @ become _ in a state file name.
            file() { printf '%s/%s' "$STUB_ECR" "$(printf '%s' "$1" | tr '/:@' '___')"; }
            digest_of() {
              local ref=$1 repo last
              if [[ $ref == *@* ]]; then printf '%s' "${ref##*@}"; return; fi
              repo=$ref last=${ref##*/}
              if [[ $last == *:* ]]; then repo=${ref%:*}; fi
              printf 'sha256:%s' "$(printf '%s' "$repo" | sha256sum | cut -c1-64)"
            }
            case "$1" in
              login) cat > /dev/null ;;
              inspect)
                ref=${*: -1}; ref=${ref#docker://}
                if [[ $ref == *.dkr.ecr.* ]]; then f=$(file "$ref"); if [ -f "$f" ]; then cat "$f"; exit 0; fi; exit 1; fi
                digest_of "$ref"; echo ;;
              copy)
                src=${*: -2:1} dst=${*: -1}; src=${src#docker://} dst=${dst#docker://}
                digest=$(digest_of "$src") f=$(file "$dst")
                if [ -f "$f" ] && [ "$(cat "$f")" != "$digest" ]; then echo "tag invalid: $dst is immutable" >&2; exit 1; fi
                echo "$digest" > "$f" ;;
              *) exit 1 ;;
            esac
            """#)
        try write("aws", #"""
            #!/bin/bash
            case "$2" in
              get-login-password) echo token ;;
              get-registry-scanning-configuration) echo '*' ;;
              describe-repositories) exit 1 ;;
              *) exit 0 ;;
            esac
            """#)
    }

    private func write(_ name: String, _ text: String) throws {
        let url = bin.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
    }

    /// The digest the stub gives the source repository `repository` (registry/path, no tag).
    static func digest(of repository: String) -> String {
        "sha256:" + DigestHex.sha256(repository, digits: 64)
    }

    /// Runs `script` under bash -e with the stubs first on PATH.
    func run(_ script: String) throws -> (status: Int32, output: String) {
        let file = folder.appendingPathComponent("run-\(UUID().uuidString).sh")
        try script.write(to: file, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-e", file.path]
        process.environment = ["PATH": bin.path + ":/usr/bin:/bin", "STUB_ECR": state.path, "HOME": folder.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, output)
    }

    /// The digest the stub ECR holds under `reference` (`registry/repository:tag`), or nil.
    func held(_ reference: String) -> String? {
        let name = reference.replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: ":", with: "_").replacingOccurrences(of: "@", with: "_")
        return (try? String(contentsOf: state.appendingPathComponent(name), encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
