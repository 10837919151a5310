"""kintrace.store"""
