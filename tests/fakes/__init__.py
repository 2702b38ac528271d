"""Fake Gemini and OpenAI HTTP servers on 127.0.0.1 that speak the real REST shapes."""
