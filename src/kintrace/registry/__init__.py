"""kintrace.registry"""
