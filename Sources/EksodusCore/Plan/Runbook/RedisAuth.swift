/// How redis-cli authenticates inside a Redis pod, as the pod's manifest says: a `requirepass` naming one of the pod's
/// variables (`--requirepass $(REDIS_PASSWORD)`, as Argo CD's Redis has it), or the variables Bitnami's image reads
/// (`REDIS_PASSWORD`, `REDIS_PASSWORD_FILE`). Only the container `kubectl exec` enters (the first) is read; a ConfigMap's
/// redis.conf is not, and a password set there shows as NOAUTH answers, which the steps that change something refuse
/// (`RedisReplicas.answeredOK`).
///
/// redis-cli takes the password from `REDISCLI_AUTH` (redis-cli docs: "use the REDISCLI_AUTH environment variable to pass
/// the password safely"; https://redis.io/docs/latest/develop/tools/cli/), set inside the pod from the pod's own variable:
/// the password never reaches the engineer's machine, a command line, the runbook or the database.
enum RedisAuth: Equatable, Sendable {
    case none
    /// The pod's variable that holds the password.
    case variable(String)
    /// The pod's variable that names a file holding the password.
    case file(String)
    /// A password the runbook cannot read from the pod (the arguments hold it, masked in the inventory): why.
    case unreadable(String)

    static func of(_ workload: Estate.Workload) -> RedisAuth {
        guard let container = workload.appContainers.first else { return .none }
        let names = Set(container.env.items.compactMap { $0["name"]?.string })
        // `--requirepass X` as two arguments, as one, or inside a shell's command line.
        let words = (container.command.items + container.args.items).compactMap(\.string)
            .flatMap { $0.split(whereSeparator: \.isWhitespace).map(String.init) }
        if let flag = words.firstIndex(of: "--requirepass") {
            guard flag + 1 < words.count else { return .unreadable("its --requirepass flag has no value the runbook can read") }
            let value = unquoted(words[flag + 1])
            guard let name = reference(value), names.contains(name) || !value.hasPrefix("$(") else {
                return .unreadable("its --requirepass argument holds the password itself, not one of the pod's variables")
            }
            return valid(name) ? .variable(name) : .unreadable("its password variable's name is no shell variable name")
        }
        if names.contains("REDIS_PASSWORD_FILE") { return .file("REDIS_PASSWORD_FILE") }
        if names.contains("REDIS_PASSWORD") { return .variable("REDIS_PASSWORD") }
        return .none
    }

    /// A shell word without the quotes around it.
    static func unquoted(_ word: String) -> String {
        String(word.drop { $0 == "\"" || $0 == "'" }.reversed().drop { $0 == "\"" || $0 == "'" }.reversed())
    }

    /// NAME of `$(NAME)` (Kubernetes expands it from the container's env), `$NAME` or `${NAME}` (a shell does).
    static func reference(_ value: String) -> String? {
        for (open, close) in [("$(", ")"), ("${", "}"), ("$", "")] where value.hasPrefix(open) && value.hasSuffix(close) {
            let name = String(value.dropFirst(open.count).dropLast(close.count))
            if !name.isEmpty { return name }
        }
        return nil
    }

    /// A shell variable name: only these reach a command, and only inside single quotes.
    static func valid(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic) else { return false }
        return name.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) }
    }

    /// The password as the pod's shell reads it.
    private var password: String? {
        switch self {
        case .variable(let name): return "\"$\(name)\""
        case .file(let name): return "\"$(cat -- \"$\(name)\")\""
        case .none, .unreadable: return nil
        }
    }

    /// What runs redis-cli after `kubectl exec POD --`: redis-cli itself, or a shell in the pod that hands it the password.
    /// The arguments that follow stay the command's own (`"$@"`), expanded on the engineer's machine as before.
    var cli: String {
        guard let password else { return "redis-cli" }
        return "sh -c " + ShellQuote.word("REDISCLI_AUTH=\(password) exec redis-cli \"$@\"") + " redis-cli"
    }

    /// What a `sh -c` script in the pod puts before `redis-cli`.
    var scriptPrefix: String { password.map { "REDISCLI_AUTH=\($0) " } ?? "" }

    /// After `kubectl exec POD --`: sets the pod's `masterauth` to its own password, read on standard input (`-x`), so a
    /// replica authenticates to the primary it is told to follow. Both sides hold the same password: the secrets step copies
    /// the Secret it comes from.
    var masterAuth: String? {
        guard let password else { return nil }
        return "sh -c " + ShellQuote.word("printf %s \(password) | REDISCLI_AUTH=\(password) redis-cli -x CONFIG SET masterauth")
    }

    /// `EKSODUS_REDIS_AUTH` for the library's functions: NAME, or file:NAME.
    var libraryValue: String? {
        switch self {
        case .variable(let name): return name
        case .file(let name): return "file:" + name
        case .none, .unreadable: return nil
        }
    }

    /// The library call's prefix that tells it how to authenticate.
    var libraryPrefix: String { libraryValue.map { "EKSODUS_REDIS_AUTH=" + ShellQuote.word($0) + " " } ?? "" }

    /// Where the password cannot be read: a line that fails, saying what to do, before anything changes.
    var refusal: String? {
        guard case .unreadable(let why) = self else { return nil }
        return "{ echo " + ShellQuote.word("the Redis requires a password the runbook cannot read (\(why)): pass it through a Secret-backed variable (--requirepass $(REDIS_PASSWORD)) and re-plan, or run these commands by hand") + " >&2; false; }"
    }
}
