import EksodusCore

/// libFuzzer's entry point: the bytes are read as a manifest stream and every object is written as the JSON body an
/// import stores. A ManifestSyntaxError is a correct answer; any other error, a crash or a leak is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func manifestFuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ count: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: count)) } ?? []
    do {
        for object in try ManifestText.objects(bytes: bytes, name: "<fuzz>") { _ = JSONWriter.string(object) }
    } catch is ManifestSyntaxError {
    } catch {
        fatalError("not a ManifestSyntaxError: \(error)")
    }
    return 0
}
