"""Cloud targets: any OpenAI-compatible endpoint.

``backend`` (CloudBackend: sync via the openai client, async via ``aiohttp_transport``),
``protocol`` (the CloudTargetBackend seam), ``errors`` (translation into hybridai's tree),
``causes`` (what lies beneath a transport exception), ``tls``, ``deadlines``, ``answers``
(JSON answers as events), ``tokens`` (rough counts), ``connect`` (reachability probe).
Nothing is imported here: ``openai`` and ``aiohttp`` load only when a call needs them.
"""
