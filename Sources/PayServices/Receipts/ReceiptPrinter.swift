import Foundation
import PayCore

/// Where a till's receipts go besides the text file kept beside the store: a CUPS queue
/// (`lp -d QUEUE`, the receipt's text on stdin) or a receipt printer's device file (ESC/POS
/// bytes). A till's own setting: `PAYDESK_PRINTER` names the queue, `PAYDESK_RECEIPT_DEVICE`
/// the device (the device wins when both are set).
public enum ReceiptOutput: Sendable, Equatable {
    case none
    case cups(queue: String)
    case escpos(device: String)

    /// The till's setting from its environment.
    public static func from(environment: [String: String]) -> ReceiptOutput {
        if let device = environment["PAYDESK_RECEIPT_DEVICE"], !device.isEmpty { return .escpos(device: device) }
        if let queue = environment["PAYDESK_PRINTER"], !queue.isEmpty { return .cups(queue: queue) }
        return .none
    }

    /// Where it prints, in words for the cashier.
    public var label: String {
        switch self {
        case .none: "no printer"
        case .cups(let queue): "printer \(queue)"
        case .escpos(let device): "receipt printer \(device)"
        }
    }
}

/// Saves a receipt as text and prints it where the till's setting says.
public struct ReceiptPrinter: Sendable {
    public let directory: String
    public let output: ReceiptOutput
    /// The `lp` program (a test puts a fake one on PATH; found through PATH like a shell would).
    public var lpCommand = "lp"

    public init(directory: String, output: ReceiptOutput) {
        self.directory = directory
        self.output = output
    }

    /// Writes `<directory>/<file name>`; returns the path.
    public func save(_ document: ReceiptDocument) throws(PayError) -> String {
        let path = directory + "/" + document.fileName
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try Data(document.text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw PayError.internal("receipt '\(path)': cannot write (\(error.localizedDescription))")
        }
        return path
    }

    /// Prints on the till's printer; returns what it printed on, nil when no printer is set.
    @discardableResult
    public func print(_ document: ReceiptDocument) throws(PayError) -> String? {
        switch output {
        case .none:
            return nil
        case .escpos(let device):
            // why no O_CREAT: a mistyped device path must fail, not leave a file of printer bytes.
            guard let handle = FileHandle(forWritingAtPath: device) else {
                throw PayError.invalidInput("receipt printer '\(device)': cannot open the device for writing")
            }
            defer { try? handle.close() }
            do {
                try handle.write(contentsOf: Data(EscPos.encode(document)))
            } catch {
                throw PayError.internal("receipt printer '\(device)': \(error.localizedDescription)")
            }
            return output.label
        case .cups(let queue):
            try runLP(queue: queue, text: document.text)
            return output.label
        }
    }

    func runLP(queue: String, text: String) throws(PayError) {
        // why a file, not a pipe: an lp that exits without reading would make writing to a pipe
        // raise SIGPIPE and end the whole console.
        let staged = FileManager.default.temporaryDirectory.appendingPathComponent("paydesk-receipt-\(UUID().uuidString).txt")
        defer { try? FileManager.default.removeItem(at: staged) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [lpCommand, "-d", queue, "-t", "receipt", "-"]
        let errors = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        do {
            try Data(text.utf8).write(to: staged)
            process.standardInput = try FileHandle(forReadingFrom: staged)
            try process.run()
        } catch {
            throw PayError.internal("printer \(queue): cannot run \(lpCommand) (\(error.localizedDescription))")
        }
        let said = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw PayError.internal("printer \(queue): lp failed (exit \(process.terminationStatus))\(said.isEmpty ? "" : ": " + said)")
        }
    }
}
