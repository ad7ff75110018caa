/// How redis-cli authenticates inside a Redis pod, as the pod's manifest says: a `requirepass` naming one of the pod's
/// variables (`--requirepass $(REDIS_PASSWORD)`, as Argo CD's Redis has it), or, in Bitnami's image, the variables it
/// reads (`REDIS_PASSWORD`, `REDIS_PASSWORD_FILE`). Only the container `kubectl exec` enters (the first) is read; a
/// ConfigMap's redis.conf is not, and a password set there shows as NOAUTH answers, which the steps that change something
/// refuse (`RedisReplicas.answeredOK`).
///
/// redis-cli takes the password from `REDISCLI_AUTH` (redis-cli docs: "use the REDISCLI_AUTH environment variable to pass
/// the password safely"; https://redis.io/docs/latest/develop/tools/cli/), set inside the pod from the pod's own variable:
/// the password never reaches a command line, the runbook or the database. An empty variable sets nothing: redis-cli 7
/// gives up on a refused AUTH, and a Redis without a password refuses one.
///
/// The two sides' passwords may differ (Argo CD's Redis password is made by an init container on each cluster, in a Secret
/// no manifest holds): a pod about to follow the other side gets that side's password as `masterauth`, read in the other
/// side's pod and passed on standard input (`RedisReplicas.follow`). ACL users (`--user`, an aclfile with `default` off,
/// which would need `masteruser` too) are not read: such a Redis answers NOAUTH or WRONGPASS, which fails the steps.
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
        // Kubernetes expands $(NAME) from envFrom's variables too, which the manifest does not name one by one.
        let unnamed = !container.envFrom.items.isEmpty
        // `--requirepass X` as two arguments, as one, or inside a shell's command line.
        let words = (container.command.items + container.args.items).compactMap(\.string)
            .flatMap { $0.split(whereSeparator: \.isWhitespace).map(String.init) }
        if let flag = words.firstIndex(of: "--requirepass") {
            guard flag + 1 < words.count, let name = reference(unquoted(words[flag + 1])) else {
                return .unreadable("its --requirepass argument holds the password itself, not one of the pod's variables")
            }
            guard valid(name) else { return .unreadable("its password variable's name is no shell variable name") }
            guard names.contains(name) || unnamed else { return .unreadable("its --requirepass names a variable its container's env does not set") }
            return .variable(name)
        }
        let bitnami = container.image?.lowercased().contains("bitnami") ?? false
        if bitnami && names.contains("REDIS_PASSWORD_FILE") { return .file("REDIS_PASSWORD_FILE") }
        if bitnami && names.contains("REDIS_PASSWORD") { return .variable("REDIS_PASSWORD") }
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

    /// Sets `REDISCLI_AUTH` in the pod's shell, from the pod's own variable, when that holds a password.
    private var setup: String? {
        switch self {
        case .variable(let name): return "[ -z \"$\(name)\" ] || export REDISCLI_AUTH=\"$\(name)\"; "
        case .file(let name): return "p=$(cat -- \"$\(name)\" 2>/dev/null) || p=; [ -z \"$p\" ] || export REDISCLI_AUTH=\"$p\"; "
        case .none, .unreadable: return nil
        }
    }

    /// `script` as one double-quoted word whose `$` are escaped, so they expand in the pod's shell (a single-quoted word
    /// would too, but shellcheck takes its `$` for a mistake, SC2016). The script is fixed text and a checked variable name.
    static func forThePod(_ script: String) -> String {
        var word = "\""
        for character in script {
            if "\\\"$`".contains(character) { word.append("\\") }
            word.append(character)
        }
        return word + "\""
    }

    /// What runs redis-cli after `kubectl exec POD --`: redis-cli itself, or a shell in the pod that hands it the password.
    /// The arguments that follow stay the command's own (`"$@"`), expanded on the engineer's machine as before.
    var cli: String {
        guard let setup else { return "redis-cli" }
        return "sh -c " + Self.forThePod(setup + "exec redis-cli \"$@\"") + " redis-cli"
    }

    /// `EKSODUS_REDIS_AUTH` for the library's functions: NAME, or file:NAME.
    var libraryValue: String? {
        switch self {
        case .variable(let name): return name
        case .file(let name): return "file:" + name
        case .none, .unreadable: return nil
        }
    }

    /// The library call's prefix that tells it how to authenticate. A Redis without a password gets an empty value: one the
    /// engineer exported for another Redis must not send this one's commands through a password it does not have.
    var libraryPrefix: String { "EKSODUS_REDIS_AUTH=" + ShellQuote.word(libraryValue ?? "") + " " }

    /// Where the password cannot be read: a line that fails, saying what to do, before anything changes.
    var refusal: String? {
        guard case .unreadable(let why) = self else { return nil }
        return "{ echo " + ShellQuote.word("the Redis requires a password the runbook cannot read (\(why)): pass it through a Secret-backed variable (--requirepass $(REDIS_PASSWORD)) and re-plan, or run these commands by hand") + " >&2; false; }"
    }
}
