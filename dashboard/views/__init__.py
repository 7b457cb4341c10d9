"""Page scripts run by ``st.navigation`` (deliberately not a ``pages/`` folder, see notes §2)."""
