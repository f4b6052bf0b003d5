import TUIKit

/// Something drawn over the current screen that takes every key until it closes.
@MainActor
enum Overlay {
    case dialog(Dialog, (Dialog.Outcome) -> Void)
    case menu(ListMenu, (Int?) -> Void)
    case help(HelpOverlay)
    case palette(CommandPalette)
}
