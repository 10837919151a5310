"""kintrace.linkage"""
