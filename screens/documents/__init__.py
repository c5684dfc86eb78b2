"""文档: plans, summaries, 学习心得, lesson designs and 集体备课 papers — the list, the
full-screen editor, the document's page with its review history, and the review dialog."""
