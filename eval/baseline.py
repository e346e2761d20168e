"""The plain llama-index baseline, as an anchor for the numbers.

SimpleDirectoryReader-style loading (one Document per PDF page, whole text for other files),
the default SentenceSplitter, a VectorStoreIndex on Chroma, top-5, with the same embedder.
No cleaning, no structure, no BM25, no answer: retrieval metrics only.
"""

import time
from pathlib import Path
from typing import Any

from kb.embedding.base import Embedder

TOP_K = 5


def _llama_embedding(embedder: Embedder) -> Any:
    from llama_index.core.base.embeddings.base import BaseEmbedding
    from llama_index.core.bridge.pydantic import PrivateAttr

    class KBEmbedding(BaseEmbedding):  # type: ignore[misc]
        _inner: Any = PrivateAttr()

        def __init__(self, inner: Embedder) -> None:
            super().__init__(model_name=inner.model_id, embed_batch_size=16)
            self._inner = inner

        def _get_query_embedding(self, query: str) -> list[float]:
            return [float(x) for x in self._inner.embed_query(query)]

        async def _aget_query_embedding(self, query: str) -> list[float]:
            return self._get_query_embedding(query)

        def _get_text_embedding(self, text: str) -> list[float]:
            return [float(x) for x in self._inner.embed_passages([text])[0]]

        def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
            return [[float(x) for x in v] for v in self._inner.embed_passages(texts)]

    return KBEmbedding(embedder)


def _readers() -> dict[str, Any]:
    from llama_index.core.readers.base import BaseReader
    from llama_index.core.schema import Document

    class PagedPDFReader(BaseReader):  # type: ignore[misc]
        """Like llama-index's PDFReader: one Document per page, raw pypdf text."""

        def load_data(self, file: Path, extra_info: dict[str, Any] | None = None) -> list[Any]:
            from pypdf import PdfReader

            reader = PdfReader(str(file))
            return [
                Document(
                    text=page.extract_text() or "",
                    metadata={
                        "page_label": str(i + 1),
                        "file_name": file.name,
                        **(extra_info or {}),
                    },
                )
                for i, page in enumerate(reader.pages)
            ]

    class DocxReader(BaseReader):  # type: ignore[misc]
        def load_data(self, file: Path, extra_info: dict[str, Any] | None = None) -> list[Any]:
            import docx

            text = "\n".join(p.text for p in docx.Document(str(file)).paragraphs)
            return [Document(text=text, metadata={"file_name": file.name, **(extra_info or {})})]

    return {".pdf": PagedPDFReader(), ".docx": DocxReader()}


class Baseline:
    def __init__(self, corpus: Path, data_dir: Path, embedder: Embedder) -> None:
        from llama_index.core import Settings as LlamaSettings
        from llama_index.core import SimpleDirectoryReader, StorageContext, VectorStoreIndex
        from llama_index.core.node_parser import SentenceSplitter
        from llama_index.vector_stores.chroma import ChromaVectorStore

        from kb.store.vectors import chroma_client

        embed_model = _llama_embedding(embedder)
        LlamaSettings.embed_model = embed_model
        LlamaSettings.llm = None  # explicit: no LLM (llama-index would default to OpenAI)
        t0 = time.perf_counter()
        documents = SimpleDirectoryReader(str(corpus), file_extractor=_readers()).load_data()
        nodes = SentenceSplitter().get_nodes_from_documents(documents)
        client = chroma_client(data_dir / "chroma")
        self._client = client
        collection = client.get_or_create_collection(
            "baseline", configuration={"hnsw": {"space": "cosine"}}, embedding_function=None
        )
        store = ChromaVectorStore(chroma_collection=collection)
        if collection.count() != len(nodes):
            client.delete_collection("baseline")
            collection = client.get_or_create_collection(
                "baseline", configuration={"hnsw": {"space": "cosine"}}, embedding_function=None
            )
            store = ChromaVectorStore(chroma_collection=collection)
            index = VectorStoreIndex(
                nodes,
                storage_context=StorageContext.from_defaults(vector_store=store),
                embed_model=embed_model,
            )
        else:
            index = VectorStoreIndex.from_vector_store(store, embed_model=embed_model)
        self.ingest_seconds = time.perf_counter() - t0
        self.chunks = len(nodes)
        self._retriever = index.as_retriever(similarity_top_k=TOP_K)

    def close(self) -> None:
        self._client.close()

    def retrieve(self, question: str) -> list[tuple[str, int | None, str]]:
        """(file, page, passage text) of the top passages, in rank order."""
        results = self._retriever.retrieve(question)
        ranked = []
        for r in results:
            meta = r.node.metadata
            page = meta.get("page_label")
            ranked.append(
                (str(meta.get("file_name")), int(page) if page else None, r.node.get_content())
            )
        return ranked
