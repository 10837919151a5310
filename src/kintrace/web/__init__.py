"""kintrace.web"""
