import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import XCTest

/// The path of `name` on PATH (or in the usual system folders), or nil.
func executablePath(_ name: String) -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
    let folders = path.split(separator: ":").map(String.init) + ["/usr/local/bin", "/usr/bin", "/bin", "/usr/sbin"]
    return folders.map { $0 + "/" + name }.first { FileManager.default.isExecutableFile(atPath: $0) }
}

/// A TCP port on 127.0.0.1 that was free a moment ago (the kernel's pick for port 0).
func freeLoopbackPort() throws -> Int {
    #if os(Linux)
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    #else
    let descriptor = socket(AF_INET, SOCK_STREAM, 0)
    #endif
    guard descriptor >= 0 else { throw LoopbackError("socket() failed") }
    defer { close(descriptor) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { generic in
            bind(descriptor, generic, length) == 0 && getsockname(descriptor, generic, &length) == 0
        }
    }
    guard bound else { throw LoopbackError("bind to 127.0.0.1 failed") }
    return Int(UInt16(bigEndian: address.sin_port))
}

struct LoopbackError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Servers a test starts on loopback ports. Each runs under `timeout` (TERM, then KILL), so it stops by itself if the test
/// process dies; `stopAll` (call it from tearDown) ends the ones still running.
/// Start them from a synchronous test: a child inherits its thread's signal mask, and the worker threads async tests run on
/// block SIGTERM, which a Python server such as moto then never unblocks.
final class LoopbackServers {
    private var running: [Process] = []
    let lifetimeSeconds: Int

    init(lifetimeSeconds: Int = 300) { self.lifetimeSeconds = lifetimeSeconds }

    /// Starts `arguments` under `timeout` with its output in `log`, then waits until `readiness` answers any HTTP status.
    func start(_ arguments: [String], log: URL, readiness: URL) throws {
        guard Thread.isMainThread else { throw LoopbackError("start loopback servers from a synchronous test (signal masks, see LoopbackServers)") }
        guard let timeout = executablePath("timeout") else { throw XCTSkip("timeout (coreutils) is not installed") }
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: timeout)
        process.arguments = ["-k", "5", String(lifetimeSeconds)] + arguments
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        running.append(process)
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if !process.isRunning {
                throw LoopbackError("\(arguments.joined(separator: " ")) exited (\(process.terminationStatus)): \(Self.tail(of: log))")
            }
            var request = URLRequest(url: readiness)
            request.timeoutInterval = 1
            if (try? httpExchange(request)) != nil { return }
            Thread.sleep(forTimeInterval: 0.1)
        }
        throw LoopbackError("\(arguments.joined(separator: " ")) did not answer on \(readiness) within 30 s: \(Self.tail(of: log))")
    }

    func stopAll() {
        for process in running where process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        running = []
    }

    static func tail(of log: URL) -> String {
        String((try? String(contentsOf: log, encoding: .utf8))?.suffix(2000) ?? "")
    }
}

/// Reads a Docker/OCI distribution registry over plain HTTP, independently of the copy tools under test.
struct RegistryReader {
    let base: URL

    static let manifestTypes = [
        "application/vnd.oci.image.index.v1+json", "application/vnd.oci.image.manifest.v1+json",
        "application/vnd.docker.distribution.manifest.list.v2+json", "application/vnd.docker.distribution.manifest.v2+json",
    ].joined(separator: ", ")

    /// The manifest stored under `reference` (a tag or a digest): its bytes and the digest the registry reports, or nil when absent.
    func manifest(_ repository: String, _ reference: String) throws -> (body: Data, digest: String)? {
        var request = URLRequest(url: base.appendingPathComponent("v2/\(repository)/manifests/\(reference)"))
        request.setValue(Self.manifestTypes, forHTTPHeaderField: "Accept")
        let (body, http) = try httpExchange(request)
        guard http.statusCode == 200 else { return nil }
        return (body, http.value(forHTTPHeaderField: "Docker-Content-Digest") ?? "")
    }

    func hasBlob(_ repository: String, _ digest: String) throws -> Bool {
        var request = URLRequest(url: base.appendingPathComponent("v2/\(repository)/blobs/\(digest)"))
        request.httpMethod = "HEAD"
        return try httpExchange(request).response.statusCode == 200
    }

    func repositories() throws -> [String] {
        try json("v2/_catalog")["repositories"] as? [String] ?? []
    }

    func tags(_ repository: String) throws -> [String] {
        try json("v2/\(repository)/tags/list")["tags"] as? [String] ?? []
    }

    private func json(_ path: String) throws -> [String: Any] {
        let (body, _) = try httpExchange(URLRequest(url: base.appendingPathComponent(path)))
        return try JSONSerialization.jsonObject(with: body) as? [String: Any] ?? [:]
    }
}

/// One HTTP exchange, waited for.
func httpExchange(_ request: URLRequest) throws -> (body: Data, response: HTTPURLResponse) {
    let outcome = ExchangeOutcome()
    let done = DispatchSemaphore(value: 0)
    URLSession.shared.dataTask(with: request) { data, response, error in
        if let http = response as? HTTPURLResponse {
            outcome.result = .success((data ?? Data(), http))
        } else {
            outcome.result = .failure(error ?? LoopbackError("no HTTP response from \(request.url?.absoluteString ?? "")"))
        }
        done.signal()
    }.resume()
    done.wait()
    return try outcome.result?.get() ?? { throw LoopbackError("no HTTP exchange") }()
}

/// Written by the session's callback before the semaphore is signalled, read after the wait.
private final class ExchangeOutcome: @unchecked Sendable {
    var result: Result<(body: Data, response: HTTPURLResponse), Error>?
}
