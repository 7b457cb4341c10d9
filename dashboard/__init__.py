"""The xuncha Streamlit dashboard: pages in ``views/``, testable helpers beside them."""
