"""rasa-sdk discovers plugins by this package name (``rasa_sdk.plugin._discover_plugins``).

The only plugin guards the action server: see :mod:`actions.server_guard`.
"""

import pluggy

hookimpl = pluggy.HookimplMarker("rasa_sdk")


class ActionServerGuard:
    @hookimpl
    def attach_sanic_app_extensions(self, app) -> None:
        from actions.server_guard import attach

        attach(app)


def init_hooks(manager: pluggy.PluginManager) -> None:
    manager.register(ActionServerGuard())
