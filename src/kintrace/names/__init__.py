"""kintrace.names"""
