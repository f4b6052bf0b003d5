import Foundation
import PayCore

extension ChannelPlugin {
    /// Downloads the channel's bill of `date` (the channel's own day, `BillDay`) and writes it to
    /// `path` whole or not at all (a temporary file renamed into place). Returns its size in bytes.
    @discardableResult
    public func downloadBill(date: String, to path: String) throws(PayError) -> Int {
        let bytes = Array(try downloadBill(date: date).utf8)
        let temporary = path + ".part"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(bytes)) else {
            throw PayError.invalidInput("bill file '\(path)': cannot write '\(temporary)'")
        }
        do {
            if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
            try FileManager.default.moveItem(atPath: temporary, toPath: path)
        } catch {
            try? FileManager.default.removeItem(atPath: temporary)
            throw PayError.invalidInput("bill file '\(path)': \(error.localizedDescription)")
        }
        return bytes.count
    }
}
